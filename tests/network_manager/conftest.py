# The small hand-built world of the dashboard's selector tests, shared with its view tests.
from tests.network_manager.test_dashboard_selectors import world  # noqa: F401
