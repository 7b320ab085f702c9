from django.urls import path

from tenderbox.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-up", views.sign_up, name="sign-up"),
    path("check-email", views.check_email, name="check-email"),
    path("verify/<str:token>", views.verify_email, name="verify-email"),
    path("verify-again", views.resend_verification, name="resend-verification"),
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-in/two-factor", views.sign_in_two_factor, name="sign-in-two-factor"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("profile", views.profile, name="profile"),
    path("two-factor", views.two_factor, name="two-factor"),
    path("two-factor/recovery-codes", views.recovery_codes, name="recovery-codes"),
    path(
        "two-factor/recovery-codes/new",
        views.regenerate_recovery_codes,
        name="regenerate-recovery-codes",
    ),
    path("two-factor/turn-off", views.disable_two_factor, name="disable-two-factor"),
    path("password-reset", views.password_reset, name="password-reset"),
    path("held", views.held, name="held"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:screening_id>", views.review, name="review"),
    path(
        "password-reset/<str:uidb64>/<str:token>",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
]
