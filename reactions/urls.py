from django.urls import path

from . import views

app_name = "reactions"

urlpatterns = [
    path("columns/<slug:slug>/reageren/", views.reaction_create, name="reaction_create"),
]
