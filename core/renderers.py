"""Form fields as native, labelled HTML controls inside viewflow's form layout.

viewflow renders each field as a ``<vf-field-…>`` element that its script turns into a
Material widget. Several of those fail a screen reader or axe-core: the select is a
``role="button"`` with ``aria-required`` (not allowed there), the multi-select's list is
announced as "Food picker listbox" (a label hard-coded in viewflow's script), the file input
has no label, and no widget ties its error or help text to the control (the
``aria-invalid``/``aria-describedby`` Django computes land on the wrapper, not the input).

These renderers (settings ``VIEWFLOW["WIDGET_RENDERERS"]``) write the browser's own controls
instead: a ``<label for>`` for every control, a ``<fieldset>`` with a ``<legend>`` for a group
of radio buttons or check boxes (a multiple choice is a list of check boxes, which needs no
Ctrl-click), required fields marked in the label, and the help and error texts tied to the
control by ``aria-describedby``, with ``aria-invalid`` on a field in error. Everything works
by keyboard, without script; the looks are in ``static/sipflow/site.css`` (``sf-field``).
"""

from __future__ import annotations

from xml.etree import ElementTree

from django.utils.translation import gettext as _
from viewflow.forms.renderers import WidgetRenderer

SubElement = ElementTree.SubElement

#: Attributes the renderer sets itself, never copied from the widget's.
_OWN_ATTRS = {"id", "name", "aria-describedby", "aria-invalid", "value", "type", "checked"}


def _attrs(widget_attrs: dict) -> dict[str, str]:
    """The widget's HTML attributes as ElementTree wants them (booleans as ``name="name"``)."""
    return {
        key: (key if value is True else str(value))
        for key, value in widget_attrs.items()
        if value is not False and value is not None and key not in _OWN_ATTRS
    }


class NativeFieldRenderer(WidgetRenderer):
    """One field: its label, its control, its help text and its errors."""

    wrapper_class = "sf-field"

    def render(self, template_name, context, request=None):
        widget = context["widget"]
        field_id = widget["attrs"].get("id") or f"id_{widget['name']}"
        bound = self.bound_field
        errors = list(bound.errors)
        classes = [self.wrapper_class]
        if errors:
            classes.append("sf-field--invalid")
        wrapper = SubElement(self.root, "div", {"class": " ".join(classes)})

        described = []
        if bound.help_text:
            described.append(f"{field_id}_helptext")
        if errors:
            described.append(f"{field_id}_error")
        self.append_control(wrapper, widget, field_id, described=described, invalid=bool(errors))
        if bound.help_text:
            help_text = SubElement(
                wrapper, "p", {"class": "sf-field__help", "id": f"{field_id}_helptext"}
            )
            help_text.text = str(bound.help_text)
        if errors:
            error_box = SubElement(
                wrapper, "div", {"class": "sf-field__error", "id": f"{field_id}_error"}
            )
            for error in errors:
                SubElement(error_box, "p").text = str(error)
        return wrapper

    # -- parts ------------------------------------------------------------------------------

    def required(self) -> bool:
        return bool(self.bound_field.field.required)

    def append_label(self, parent, field_id: str, *, tag="label", **attrs):
        label = SubElement(parent, tag, {"class": "sf-field__label", **attrs})
        if tag == "label":
            label.attrib["for"] = field_id
        label.text = str(self.bound_field.label or "")
        if self.required():
            mark = SubElement(label, "span", {"class": "sf-field__required", "aria-hidden": "true"})
            mark.text = " *"
            hint = SubElement(label, "span", {"class": "sf-visually-hidden"})
            hint.text = " " + _("(obligatoriskt)")
        return label

    def describe(self, control, *, described: list[str], invalid: bool) -> None:
        if described:
            control.attrib["aria-describedby"] = " ".join(described)
        if invalid:
            control.attrib["aria-invalid"] = "true"

    def append_control(self, parent, widget, field_id, *, described, invalid):
        raise NotImplementedError


class InputRenderer(NativeFieldRenderer):
    """``<input>`` of the widget's own type (text, date, datetime-local, email, number …)."""

    def append_control(self, parent, widget, field_id, *, described, invalid):
        self.append_label(parent, field_id)
        attrs = {
            **_attrs(widget["attrs"]),
            "type": widget.get("type") or "text",
            "id": field_id,
            "name": widget["name"],
            "class": "sf-field__control",
        }
        value = widget.get("value")
        if value is not None and attrs["type"] not in ("password", "file"):
            attrs["value"] = str(value)
        control = SubElement(parent, "input", attrs)
        self.describe(control, described=described, invalid=invalid)
        return control


class FileInputRenderer(InputRenderer):
    """A file input, with the file already stored named beside it."""

    def append_control(self, parent, widget, field_id, *, described, invalid):
        control = super().append_control(
            parent, widget, field_id, described=described, invalid=invalid
        )
        control.attrib["type"] = "file"
        if widget.get("is_initial") and widget.get("value"):
            current = SubElement(parent, "p", {"class": "sf-field__help"})
            current.text = _("Sparad fil: %(name)s") % {"name": widget["value"]}
        return control


class TextareaRenderer(NativeFieldRenderer):
    def append_control(self, parent, widget, field_id, *, described, invalid):
        self.append_label(parent, field_id)
        attrs = {**_attrs(widget["attrs"]), "class": "sf-field__control"}
        attrs.update({"id": field_id, "name": widget["name"]})
        attrs.setdefault("rows", "4")
        control = SubElement(parent, "textarea", attrs)
        control.text = str(widget.get("value") or "")
        self.describe(control, described=described, invalid=invalid)
        return control


class CheckboxRenderer(NativeFieldRenderer):
    """A single check box, its label after it."""

    wrapper_class = "sf-field sf-field--check"

    def required(self) -> bool:
        return False

    def append_control(self, parent, widget, field_id, *, described, invalid):
        row = SubElement(parent, "div", {"class": "sf-check"})
        attrs = {**_attrs(widget["attrs"]), "type": "checkbox", "id": field_id}
        attrs["name"] = widget["name"]
        if widget["attrs"].get("checked"):
            attrs["checked"] = "checked"
        control = SubElement(row, "input", attrs)
        self.describe(control, described=described, invalid=invalid)
        self.append_label(row, field_id)
        return control


def _options(widget):
    """(group name, [option dicts]) in the widget's order."""
    return [(name or "", options) for name, options, _index in widget["optgroups"]]


class SelectRenderer(NativeFieldRenderer):
    """The browser's own ``<select>``: labelled, keyboard-operable, read by screen readers."""

    def append_control(self, parent, widget, field_id, *, described, invalid):
        self.append_label(parent, field_id)
        attrs = {**_attrs(widget["attrs"]), "class": "sf-field__control"}
        attrs.update({"id": field_id, "name": widget["name"]})
        control = SubElement(parent, "select", attrs)
        for group, options in _options(widget):
            target = SubElement(control, "optgroup", {"label": group}) if group else control
            for option in options:
                option_attrs = {
                    "value": str(option["value"] if option["value"] is not None else "")
                }
                if option["selected"]:
                    option_attrs["selected"] = "selected"
                element = SubElement(target, "option", option_attrs)
                label = str(option["label"])
                element.text = _("Välj …") if set(label) == {"-"} else label
        self.describe(control, described=described, invalid=invalid)
        return control


class ChoiceGroupRenderer(NativeFieldRenderer):
    """Radio buttons or check boxes in a ``<fieldset>`` whose ``<legend>`` is the label."""

    input_type = "radio"
    wrapper_class = "sf-field sf-field--group"

    def append_control(self, parent, widget, field_id, *, described, invalid):
        fieldset = SubElement(parent, "fieldset", {"class": "sf-choices", "id": field_id})
        self.append_label(fieldset, field_id, tag="legend")
        if described:
            fieldset.attrib["aria-describedby"] = " ".join(described)
        box = SubElement(fieldset, "div", {"class": "sf-choices__list"})
        count = sum(len(options) for _group, options in _options(widget))
        if count > 8:
            box.attrib["class"] += " sf-choices__list--long"
        index = 0
        for group, options in _options(widget):
            target = box
            if group:
                target = SubElement(box, "div", {"class": "sf-choices__group"})
                SubElement(target, "p", {"class": "sf-choices__group-name"}).text = group
            for option in options:
                if option["value"] in ("", None):
                    continue  # a radio list's empty choice: nothing chosen is its own state
                option_id = f"{field_id}_{index}"
                index += 1
                row = SubElement(target, "div", {"class": "sf-check"})
                attrs = {
                    "type": self.input_type,
                    "id": option_id,
                    "name": widget["name"],
                    "value": str(option["value"]),
                }
                if option["selected"]:
                    attrs["checked"] = "checked"
                if self.input_type == "radio" and self.required():
                    attrs["required"] = "required"
                if invalid:
                    attrs["aria-invalid"] = "true"
                SubElement(row, "input", attrs)
                SubElement(row, "label", {"for": option_id}).text = str(option["label"])
        return fieldset


class CheckboxGroupRenderer(ChoiceGroupRenderer):
    """A multiple choice as check boxes."""

    input_type = "checkbox"
