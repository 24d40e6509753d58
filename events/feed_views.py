"""Calendar feeds: the personal feed behind a secret token, one event as .ics, feed settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from events import feeds, selectors, services

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar_response(body: bytes, filename: str, *, as_attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


# No login: calendar apps cannot sign in, the secret token in the URL is the key.
@require_safe
def feed(request, token):
    calendar_feed = selectors.feed_get(token=token)
    response = _calendar_response(
        feeds.feed_ics(calendar_feed.user), "calendar.ics", as_attachment=False
    )
    # The URL is a secret: keep the feed out of shared caches and search engines.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_safe
def event_ics(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    filename = f"{slugify(event.name) or 'event'}.ics"
    return _calendar_response(feeds.event_ics(event), filename, as_attachment=True)


def _feed_url(calendar_feed) -> str:
    # The address e-mails use too: it stays the same behind proxies and for every app.
    return settings.SITE_URL.rstrip("/") + calendar_feed.get_absolute_url()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            had_feed = selectors.feed_of(user=user) is not None
            services.feed_token_regenerate(user=user)
            if had_feed:
                messages.success(
                    request,
                    _(
                        "Your calendar feed has a new link. The old link no longer works: "
                        "subscribe again with the new one."
                    ),
                )
            else:
                messages.success(request, _("Your calendar feed link was created."))
        elif action == "revoke":
            services.feed_token_revoke(user=user)
            messages.success(
                request,
                _("Your calendar feed link was revoked. Calendar apps no longer get updates."),
            )
        else:
            return HttpResponse(status=400)
        return redirect("events:feed_settings")
    calendar_feed = selectors.feed_of(user=user)
    feed_url = _feed_url(calendar_feed) if calendar_feed else ""
    return render(
        request,
        "events/feed_settings.html",
        {
            "feed": calendar_feed,
            "feed_url": feed_url,
            # webcal:// opens the subscribe dialog of Apple Calendar and desktop Outlook.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1] if feed_url else "",
        },
    )
