from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.uploads import UploadLimitMixin
from rapport.offboarding.models import Procedure, Screenshot

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["title", "steps", "position"]
        widgets = {"steps": forms.Textarea(attrs={"rows": 12})}


class ScreenshotForm(UploadLimitMixin, forms.ModelForm):
    class Meta:
        model = Screenshot
        fields = ["image", "caption"]
        help_texts = {"image": _("PNG or JPEG; it is printed in the handover document.")}

    def clean_image(self):  # noqa: ANN201
        """Only real PNG or JPEG images: they are embedded into the PDF."""
        image = self.cleaned_data.get("image")
        if not image or not hasattr(image, "read"):
            return image
        head = image.read(8)
        image.seek(0)
        if not head.startswith(IMAGE_SIGNATURES):
            raise forms.ValidationError(_("The screenshot must be a PNG or JPEG image."))
        return image


class TickForm(forms.Form):
    note = forms.CharField(label=_("Where I stopped, what remains"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class EraseForm(forms.Form):
    name = forms.CharField(label=_("Type the client's name to confirm"), max_length=200)
