"""Every HTML route: login and logout, the desk, the static assets."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from smooth.api.dispatch import choose_site
from smooth.api.request import ApiRequest
from smooth.exceptions import SmoothError
from smooth.pages import assets, google_connect, login, portal, printview, sso, two_factor_settings
from smooth.pages.desk import (
    calendarview,
    customize_form,
    data_import,
    export,
    formview,
    home,
    listview,
    report,
    search,
    template_preview,
    workspace,
)
from smooth.pages.endpoints import page_route
from smooth.pages.rendering import GUEST, Redirect
from smooth.site import get_site


def site_root(api: ApiRequest) -> Response:
    raise Redirect("/login" if api.user == GUEST else login.home_for(api))


async def _asset(request: Request) -> Response:
    state = request.app.state
    if request.path_params["package"] != "smooth":
        try:
            assets.register_apps(get_site(choose_site(request, state.sites_path, state.default_site),
                                          state.sites_path).apps)
        except SmoothError:
            pass  # no site: only the core's assets are served
    return assets.serve(request)


def page_routes() -> list[BaseRoute]:
    return [
        page_route("/", site_root),
        page_route("/login", login.login_page, methods=("GET", "POST")),
        page_route("/logout", login.logout_page, methods=("GET", "POST")),
        page_route(sso.START_PATH, sso.start_page),
        page_route(sso.CALLBACK_PATH, sso.callback_page, commit_safe_methods=True),
        page_route(two_factor_settings.URL, two_factor_settings.two_factor_page, methods=("GET", "POST")),
        page_route("/app", home.show_home),
        page_route("/printview", printview.show_printview),
        page_route("/app/search", search.show_search),
        page_route(customize_form.URL, customize_form.show_customize_form, methods=("GET", "POST")),
        page_route(f"{data_import.URL}/new", data_import.new_import, methods=("GET", "POST")),
        page_route(f"{data_import.URL}/{{name}}/progress", data_import.show_progress),
        page_route(f"{data_import.URL}/{{name}}", data_import.show_import, methods=("GET", "POST")),
        page_route("/app/{slug}", workspace.show_workspace_or_list, methods=("GET", "POST")),
        page_route("/app/{slug}/view/report", report.show_report),
        page_route("/app/{slug}/view/counts", listview.show_counts),
        page_route("/app/{slug}/view/export", export.show_export),
        page_route("/app/{slug}/view/calendar", calendarview.show_calendar),
        page_route("/google/connect", google_connect.connect_page, methods=("POST",)),
        page_route(google_connect.CALLBACK_PATH, google_connect.callback_page, commit_safe_methods=True),
        page_route("/app/{slug}/new", formview.new_form, methods=("GET", "POST")),
        page_route("/app/{slug}/{name}", formview.show_form, methods=("GET", "POST")),
        page_route("/app/{slug}/{name}/preview", template_preview.show_preview),
        page_route("/app/{slug}/{name}/activity", formview.show_activity),
        Route("/assets/{package}/{path:path}", _asset, methods=["GET", "HEAD"]),
        # keep last: any other path is an app's portal page (www/ folders, website_route_rules)
        page_route("/{path:path}", portal.serve, methods=("GET", "POST")),
    ]
