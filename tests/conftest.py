from django.core.management import call_command
import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data (countries, regions, calls) once for the whole session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_call_cache():
    """Each test starts as a fresh process: what the rules read about a call is built from the
    test's database (a rolled-back change must not survive in this process's cache)."""
    from eligibility import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a Romanian page must not leak its language into the next
    test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
