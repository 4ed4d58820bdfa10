"""Public survey addresses (no account): /s/<token>/ and /s/<token>/<collection point>/."""

from django.urls import path

from . import views_public

app_name = "surveys"

urlpatterns = [
    path("<str:token>/", views_public.answer_view, name="answer"),
    path("<str:token>/thanks/", views_public.thanks_view, name="thanks"),
    path("<str:token>/<str:point>/", views_public.answer_view, name="answer_point"),
]
