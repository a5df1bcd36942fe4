"""Reading one forms file: YAML parsed with its line numbers kept, validated against a pydantic model,
every problem reported with the file, the line and what is wrong. Shared by core.forms_files (taxonomy,
checklists) and core.major_rule_files (major-hazard rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from inspector_app.core.form_types import FormsError
from inspector_app.i18n import _


def _node_at(node: yaml.Node, loc: tuple[int | str, ...]) -> yaml.Node:
    """Follow a pydantic error location through the YAML node tree, to report the right line."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    node = value_node
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


# libyaml's safe loader parses the forms about ten times faster than the pure-Python one (the forms are
# loaded before the main window can show); same results, same line numbers in errors.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FormsError([(path, None, _("not UTF-8 text: {problem}").format(problem=exc))]) from exc
    except OSError as exc:
        raise FormsError([(path, None, _("cannot read the file: {problem}").format(problem=exc))]) from exc
    try:
        node = yaml.compose(text, Loader=_SAFE_LOADER)
        data = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (libyaml's when installed)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise FormsError([(path, line, _("not valid YAML: {problem}").format(problem=exc.problem))]) from exc
    except yaml.YAMLError as exc:
        raise FormsError([(path, None, _("not valid YAML: {problem}").format(problem=exc))]) from exc
    except RecursionError as exc:  # PyYAML's parser recurses once per nesting level
        raise FormsError([(path, None, _("nested too deeply to read (thousands of levels)"))]) from exc
    return data, node


def validate[T: BaseModel](model: type[T], path: Path) -> T:
    data, node = load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems: list[tuple[Path, int | None, str]] = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = _node_at(node, loc).start_mark.line + 1 if node is not None else None
            where = ".".join(str(part) for part in loc) or _("(top level)")
            problems.append((path, line, f"{where}: {error['msg']}"))
        raise FormsError(problems) from exc
