from django import forms
from django.utils.translation import gettext_lazy


class PublicationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Public summary"), max_length=80)
    text = forms.CharField(label=gettext_lazy("Public text"), widget=forms.Textarea(attrs={"rows": 5}))
    result = forms.CharField(
        label=gettext_lazy("Public result"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
