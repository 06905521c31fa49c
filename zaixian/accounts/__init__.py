"""Public accounts: citizens (自然人) and businesses or organisations (法人) who apply for
services online.

Models owned: PublicProfile (one per public user, real-name data).
Public functions: ``actions.register_public_user``, ``actions.verify_email``,
``actions.send_phone_code``, ``actions.verify_phone_code``,
``queries.profile_for_user``, ``queries.notifications_for_user``.
Pages under ``/accounts/``: registration with e-mail or phone verification, login, logout,
password reset and change, "my account" (profile, in-site messages, my cases).
"""
