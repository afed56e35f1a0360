from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user picked another language with the switch in the footer.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show a
    Norwegian municipality's case workers English pages on an English-language PC.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
