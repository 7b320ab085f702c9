"""Argon2 with tiny cost parameters, for the test suite only (settings pick it when TENDERBOX_ENV is
test): the same algorithm and code path as production, without 100 MB of memory per hash."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 1
    memory_cost = 64
    parallelism = 1
