from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("columns/<slug:slug>/nuttig/", views.vote, name="vote"),
    path("columns/<slug:slug>/nuttig/waarom/", views.reason, name="reason"),
]
