// New survey: choosing a template ticks the languages that template offers (e.g. German and English), so its
// English texts are not dropped. The hidden field languages_for tells the server which template's languages
// the checkboxes show; without JavaScript the server adds the template's languages itself.
(function () {
  "use strict";
  function init() {
    var select = document.getElementById("id_template");
    var marker = document.getElementById("id_languages_for");
    if (!select || !marker || !select.dataset.templateLanguages) return;
    var languages;
    try {
      languages = JSON.parse(select.dataset.templateLanguages);
    } catch (error) {
      return;
    }
    select.addEventListener("change", function () {
      var wanted = languages[select.value] || ["de"];
      document.querySelectorAll("input[type=checkbox][name=languages]").forEach(function (box) {
        box.checked = wanted.indexOf(box.value) !== -1;
      });
      marker.value = select.value;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
