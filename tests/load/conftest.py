def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "load: the short load test against gunicorn and PostgreSQL (deselect with -m 'not load')",
    )
