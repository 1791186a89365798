from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("volgen/", views.follow, name="follow"),
    path("volgen/check-je-mail/", views.check_mail, name="check_mail"),
    path("volgen/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("volgen/beheren/<str:token>/", views.manage, name="manage"),
    path("volgen/afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
