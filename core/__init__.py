"""The lowest layer: form helpers, input limits, spreadsheet safety, the domain error, the view
helper that runs a service from a form, SQL helpers and the history decorator. It imports only
Django and libraries; every app may import it, and it imports no app."""
