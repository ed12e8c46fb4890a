"""The site's own error pages (404, 403, 400, 500, refused form): in its layout, in the URL's
language, with a way back; the 500 page without the database. DEBUG is off for each of them,
as in production."""
from django.test import Client, override_settings
import pytest

from config import views
from tests.consortium_factories import PASSWORD, make_user

pytestmark = [
    pytest.mark.urls("tests.error_page_urls"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]

LAYOUT = ['class="site-header"', 'class="site-footer"', 'id="main"']


def visitor() -> Client:
    return Client(raise_request_exception=False)


def signed_in(email: str = "applicant@example.org") -> Client:
    client = visitor()
    make_user(email)
    assert client.login(username=email, password=PASSWORD)
    return client


def page_of(response) -> str:
    html = response.content.decode()
    for part in LAYOUT:
        assert part in html, f"{part} missing: the page is not in the site's layout"
    return html


@override_settings(DEBUG=False)
@pytest.mark.django_db
@pytest.mark.parametrize("path, language, heading, home", [
    ("/no-such-page/", "en", "Page not found", 'href="/"'),
    ("/ro/no-such-page/", "ro", "Pagina nu a fost găsită", 'href="/ro/"'),
    ("/ro/calls/NO-SUCH-CALL/", "ro", "Pagina nu a fost găsită", 'href="/ro/"'),
])
def test_a_missing_page_is_our_404_in_the_language_of_its_address_with_a_way_home(
    path, language, heading, home
):
    response = visitor().get(path)

    html = page_of(response)
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert home in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_a_consortium_that_is_not_yours_gives_the_romanian_404_with_a_link_to_your_own():
    client = signed_in()

    response = client.get("/ro/consortia/999999/")

    html = page_of(response)
    assert response.status_code == 404
    assert "Pagina nu a fost găsită" in html
    assert 'href="/ro/consortia/"' in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
@pytest.mark.parametrize("prefix, language, heading, log_in", [
    ("", "en", "You may not see this page", "Log in with another account"),
    ("/ro", "ro", "Nu aveți acces la această pagină", "Autentificați-vă cu alt cont"),
])
def test_a_refused_page_is_our_403_naming_the_account_with_a_link_to_log_in_as_another(
    prefix, language, heading, log_in
):
    client = signed_in()

    response = client.get(f"{prefix}/reviews/")

    html = page_of(response)
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert "applicant@example.org" in html
    assert log_in in html
    assert f'href="{prefix}/accounts/login/?next={prefix}/reviews/"' in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_the_403_page_asks_a_signed_out_visitor_to_log_in(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/ro/reviews/")
    request.user = AnonymousUser()

    response = views.permission_denied(request, PermissionDenied())

    html = page_of(response)
    assert response.status_code == 403
    assert "Autentificați-vă, apoi încercați din nou." in html
    assert 'href="/ro/accounts/login/?next=/ro/reviews/"' in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
@pytest.mark.parametrize("path, language, heading", [
    ("/", "en", "The request could not be read"),
    ("/ro/", "ro", "Cererea nu a putut fi citită"),
])
def test_a_request_for_an_unknown_host_is_our_400_in_the_language_of_its_address(
    path, language, heading
):
    response = visitor().get(path, HTTP_HOST="not-this-site.example")

    html = page_of(response)
    assert response.status_code == 400
    assert f'<html lang="{language}">' in html
    assert heading in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path, language, heading", [
    ("/broken/", "en", "Something went wrong on our side"),
    ("/ro/broken/", "ro", "A apărut o eroare din partea noastră"),
])
def test_an_error_in_a_view_is_our_500_drawn_without_the_database(path, language, heading):
    """No django_db mark: any query from the handler or its page fails the test."""
    response = visitor().get(path)

    html = page_of(response)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert 'href="/ro/"' in html if language == "ro" else 'href="/"' in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_the_500_page_of_a_signed_in_user_reads_neither_their_session_nor_their_account(
    django_db_blocker,
):
    client = signed_in()

    with django_db_blocker.block():
        response = client.get("/ro/broken/")

    html = page_of(response)
    assert response.status_code == 500
    assert "A apărut o eroare din partea noastră" in html


@override_settings(DEBUG=False)
def test_the_500_page_comes_out_plain_when_its_layout_cannot_be_drawn(rf, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(views.loader, "render_to_string", broken)

    response = views.server_error(rf.get("/ro/anything/"))

    assert response.status_code == 500
    assert b"Error 500" in response.content


@override_settings(DEBUG=False)
@pytest.mark.django_db
@pytest.mark.parametrize("prefix, language, heading", [
    ("", "en", "The form could not be sent"),
    ("/ro", "ro", "Formularul nu a putut fi trimis"),
])
def test_a_form_sent_without_its_security_code_is_refused_with_our_page(prefix, language, heading):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    response = client.post(f"{prefix}/accounts/login/",
                           {"username": "a@example.org", "password": "x"})

    html = page_of(response)
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert f'href="{prefix}/accounts/login/"' in html
