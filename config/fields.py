"""Model fields shared by every app (framework-level, like config/forms.py)."""

from django.db import models

from config import limits
from config.forms import NameField


class NameCharField(models.CharField):
    """A name (of a child, a guardian, a user, a unit, an area, a team member): direction
    overrides, isolates and zero-width characters are removed before every save and in every
    form built from the model (the admin's too), so a stored name cannot read as another
    ("Ola\u202eNNAM" shows as "OlaMANN").

    Deconstructs as a plain CharField: the column is the same, so no migration, and the
    migrations and pghistory's event models stay as they are."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return limits.strip_invisible(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and limits.INVISIBLE.search(value):
            setattr(model_instance, self.attname, limits.strip_invisible(value))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameField, **kwargs})
