from django import forms
from django.utils.translation import gettext_lazy

from lianxin.core.forms import text_field


class PublicationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Public summary"), max_length=80)
    text = text_field(gettext_lazy("Public text"), rows=5)
    result = text_field(gettext_lazy("Public result"), required=False)
