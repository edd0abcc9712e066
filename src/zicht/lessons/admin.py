"""Staff add and edit lessons here. A lesson is saved only when it passes the same checks
as ``check_lessons``; each change must raise its version; a preview plays it before it is
published."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zicht.lessons.content import shipped_lessons
from zicht.lessons.models import LessonVideo, StaffLesson
from zicht.lessons.validation import validate


class StaffLessonForm(forms.ModelForm):
    class Meta:
        model = StaffLesson
        fields = ["data", "published"]
        widgets = {"data": forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"})}

    def clean_data(self):
        data = self.cleaned_data["data"]
        report = validate(data)
        if report.errors:
            raise ValidationError([str(e) for e in report.errors])
        if data["slug"] in shipped_lessons():
            raise ValidationError(
                _("The slug %(slug)s belongs to a lesson shipped with Zicht; choose another."),
                params={"slug": data["slug"]},
            )
        clash = StaffLesson.objects.filter(slug=data["slug"]).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another lesson already has this slug."))
        if self.instance.pk and data["version"] <= self.instance.version:
            raise ValidationError(
                _("Raise the version (now %(version)s) with every change."),
                params={"version": self.instance.version},
            )
        return data

    def save(self, commit=True):
        self.instance.slug = self.cleaned_data["data"]["slug"]
        self.instance.version = self.cleaned_data["data"]["version"]
        return super().save(commit=commit)


@admin.register(StaffLesson)
class StaffLessonAdmin(admin.ModelAdmin):
    form = StaffLessonForm
    list_display = ["slug", "version", "published", "updated_at", "preview_link"]
    list_filter = ["published"]
    readonly_fields = ["slug", "version", "updated_at", "preview_link"]

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("lessons:preview", kwargs={"pk": obj.pk}),
            _("Play this lesson"),
        )


@admin.register(LessonVideo)
class LessonVideoAdmin(admin.ModelAdmin):
    list_display = ["key", "title"]
