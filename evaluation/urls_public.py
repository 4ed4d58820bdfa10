"""Public survey addresses (no account): /s/<token>/ and /s/<token>/<collection point>/."""

from django.urls import path

import config.converters  # noqa: F401  (registers the "token" converter)

from . import views_public

app_name = "surveys"

urlpatterns = [
    path("<token:token>/", views_public.answer_view, name="answer"),
    path("<token:token>/thanks/", views_public.thanks_view, name="thanks"),
    path("<token:token>/<token:point>/", views_public.answer_view, name="answer_point"),
]
