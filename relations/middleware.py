from django.utils import translation


def activate_user_language(request, user) -> str:
    """Activate the signed-in user's chosen language for this request; returns it."""
    language = getattr(user, "language", "") if user and user.is_authenticated else ""
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return language


class UserLanguageMiddleware:
    """Activate the session user's language (after LocaleMiddleware guessed one).

    Token clients of the API are authenticated later, by DRF: see api.UserLanguageMixin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = activate_user_language(request, getattr(request, "user", None))
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
