from django.urls import path

from zaixian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("register/", views.register_choice_view, name="register"),
    path("register/<slug:kind>/", views.register_view, name="register_kind"),
    path("verify/", views.verify_view, name="verify"),
    path("verify/phone/", views.verify_phone_view, name="verify_phone"),
    path("verify/resend/", views.resend_view, name="verify_resend"),
    path("verify/email/<str:token>/", views.verify_email_view, name="verify_email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("messages/", views.messages_view, name="messages"),
    path("messages/read-all/", views.messages_read_all_view, name="messages_read_all"),
    path("messages/<int:pk>/read/", views.message_read_view, name="message_read"),
]
