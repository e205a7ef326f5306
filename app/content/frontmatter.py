"""Split and validate the YAML front matter of course and lesson files."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from .model import EasyReadValidation
from .problems import Reporter
from .textutil import norm_key, shorten, suggest


@dataclass
class FrontMatter:
    """Front matter values keyed by normalised key, with the line of each key."""

    values: dict[str, Any]
    lines: dict[str, int]
    start: int  # line of the opening --- (1-based), 0 when absent
    body_start: int  # 0-based index of the first body line
    # The header could not be read (error already reported): its keys are unknown, not missing.
    broken: bool = False


def split_front_matter(lines: list[str], display: str, rep: Reporter) -> tuple[list[str], int]:
    """Return the YAML lines and the 0-based index where the body starts."""
    if not lines or lines[0].strip() != "---":
        return [], 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return lines[1:i], i + 1
    rep.error(
        display,
        1,
        "front-matter-unclosed",
        "la cabecera (front matter) abre con --- pero no se cierra; agrega una línea --- al final",
    )
    return [], len(lines)


def parse_front_matter(lines: list[str], display: str, rep: Reporter) -> FrontMatter:
    """Parse the front matter; report YAML errors at their line in the file."""
    reported = len(rep.problems)
    yaml_lines, body_start = split_front_matter(lines, display, rep)
    start = 1 if body_start else 0
    fm = FrontMatter({}, {}, start, body_start, broken=len(rep.problems) > reported)
    if not yaml_lines or not "".join(yaml_lines).strip():
        return fm
    text = "\n".join(yaml_lines)
    # One SafeLoader pass gives the node tree (for key lines) and the data built from it: what
    # yaml.compose + yaml.safe_load gave, without scanning and parsing the text twice.
    loader = None
    node = None
    try:
        # The reader refuses non-printable characters already here (a ReaderError).
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        # Constructing flattens merge keys (<<) in place; keep the keys as written.
        items = list(node.value) if isinstance(node, yaml.MappingNode) else []
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        index, message = explain_yaml_error(exc, yaml_lines)
        rep.error(display, index + 2, "front-matter-yaml", message)
        fm.broken = True
        return fm
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML builds dates itself: "2001-13-45" scans as a date and fails when built.
        rep.error(
            display,
            _bad_value_line(node) + start + 1,
            "front-matter-value",
            f"valor no válido en la cabecera ({exc}); si es una fecha, escríbela como "
            "AAAA-MM-DD o entre comillas",
        )
        fm.broken = True
        return fm
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict) or node is None or not isinstance(node, yaml.MappingNode):
        rep.error(
            display,
            2,
            "front-matter-not-mapping",
            "la cabecera debe ser una lista de 'clave: valor' (por ejemplo, titulo: Mi lección)",
        )
        fm.broken = True
        return fm
    key_lines: dict[str, int] = {}
    seen: set[str] = set()
    for key_node, _value in items:
        key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 2)
        normalised = norm_key(str(key_node.value))
        if normalised in seen:
            # YAML would silently keep the last value; authors should know.
            rep.error(
                display,
                key_node.start_mark.line + 2,
                "front-matter-duplicate-key",
                f"la clave '{key_node.value}' está repetida; deja solo una",
            )
        seen.add(normalised)
    for raw_key, value in data.items():
        key = norm_key(raw_key)
        line = key_lines.get(str(raw_key), 2)
        if key in fm.values:
            continue
        fm.values[key] = value
        fm.lines[key] = line
    return fm


def _split_key(body: str) -> tuple[str, str] | None:
    key, colon, value = body.partition(":")
    if not colon or not key or key[0].isspace() or "#" in key or not value[:1].isspace():
        return None
    return key.rstrip(), value.strip()


def _key_value(text: str) -> tuple[str, str] | None:
    """A header line's key and value ('- key: value' too), or None.

    String methods, not a regular expression: the pattern this replaces backtracked over runs of
    spaces (a bad header line of 20,000 spaces took seconds; issue 25)."""
    body = text.lstrip()
    if body[:1] == "-" and body[1:2].isspace():
        found = _split_key(body[1:].lstrip())
        if found:
            return found
    return _split_key(body)


_YAML_PREFIX = "error de formato en la cabecera: "


def _quote(value: str) -> str:
    """VALUE as a YAML quoted string an author can copy."""
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def explain_yaml_error(exc: yaml.YAMLError, yaml_lines: list[str]) -> tuple[int, str]:
    """The 0-based header line of a YAML syntax error and what to do, in plain Spanish."""
    if isinstance(exc, yaml.reader.ReaderError):
        # A character the YAML reader refuses (a control character pasted from elsewhere).
        index = "\n".join(yaml_lines)[: exc.position].count("\n")
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return index, (
            f"la cabecera tiene un carácter que no se puede leer ({shown}); "
            "bórralo o vuelve a escribir esta línea"
        )
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    # Where the author must look: an unclosed quote or bracket opens on the context line, a line
    # without ':' is the one before the scanner noticed.
    use_context = context_mark is not None and (
        "quoted scalar" in context or "flow" in context or "could not find expected ':'" in problem
    )
    mark = context_mark if use_context else (problem_mark or context_mark)
    index = min(mark.line, len(yaml_lines) - 1) if mark is not None else 0
    index = max(index, 0)
    text = yaml_lines[index] if yaml_lines else ""
    key, value = _key_value(text) or ("titulo", "…")
    quoted = f"{key}: {_quote(value)}"
    if "\t" in text or "'\\t'" in problem:
        why = "la línea tiene una tabulación; usa espacios para la sangría, no la tecla Tab"
    elif "mapping values are not allowed" in problem and ":" in value:
        why = (
            f"el valor de '{key}' tiene dos puntos (:), que en la cabecera separan la clave del "
            f"valor; escribe el valor entre comillas: {quoted}"
        )
    elif "mapping values are not allowed" in problem:
        why = (
            "esta línea tiene espacios al principio pero la línea de arriba no abre una lista; "
            "borra los espacios del principio (cada clave va al principio de su línea)"
        )
    elif "could not find expected ':'" in problem:
        why = (
            f"falta ':' en «{shorten(text.strip(), 60)}»; cada línea de la cabecera es clave: "
            "valor (por ejemplo, minutos: 10), y un texto largo va entero en la misma línea"
        )
    elif "quoted scalar" in context:
        why = (
            "las comillas que se abren en esta línea no se cierran; agrega la comilla de cierre "
            "al final del valor"
        )
    elif "flow" in context:
        why = (
            f"el valor de '{key}' empieza con [ o {{ y no se cierra; si es un texto, escríbelo "
            f"entre comillas: {quoted}"
        )
    elif (
        "cannot start any token" in problem
        or "undefined alias" in problem
        or ("sequence entries are not allowed" in problem)
    ):
        first = value[:1] or "ese carácter"
        why = (
            f"el valor de '{key}' no puede empezar con {first}; escríbelo entre comillas: {quoted}"
        )
    elif "but found '<scalar>'" in problem and value[:1] in ("'", '"'):
        why = (
            "hay texto después de las comillas de cierre; pon todo el valor entre las comillas: "
            f'{key}: "{value.replace(value[0], "")}"'
        )
    elif "expected <block end>" in problem or "block" in context:
        why = (
            "revisa la sangría: cada clave va al principio de la línea, y las líneas '- ' de una "
            "lista van debajo de su clave, todas con los mismos espacios (por ejemplo, dos)"
        )
    else:
        why = "revisa los dos puntos, las comillas y la sangría de esta línea"
    return index, _YAML_PREFIX + why


Validator = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """How to check one front-matter key."""

    validate: Validator
    required: str = ""  # "" optional, "error" or "warning" when missing


def _bad_value_line(node) -> int:
    """The 0-based line (in the YAML) of the first value PyYAML cannot build, else 0."""
    pending = [node]
    while pending:
        current = pending.pop(0)
        if isinstance(current, yaml.MappingNode):
            pending.extend(v for pair in current.value for v in pair)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
        elif isinstance(current, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(current, deep=True)
            except Exception:  # noqa: BLE001 - any failure marks the culprit
                return current.start_mark.line
    return 0


def check_fields(
    fm: FrontMatter,
    schema: dict[str, Field],
    display: str,
    rep: Reporter,
    *,
    extra_allowed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validate values against a schema; return the clean values (bad ones left out)."""
    clean: dict[str, Any] = {}
    extra_allowed = extra_allowed or {}
    header_line = fm.start or 1
    for key, value in fm.values.items():
        line = fm.lines.get(key, header_line)
        if key in extra_allowed:
            rep.error(display, line, "front-matter-misplaced-key", extra_allowed[key])
            continue
        field = schema.get(key)
        if field is None:
            hint = suggest(key, tuple(schema))
            rep.error(
                display,
                line,
                "front-matter-unknown-key",
                f"clave desconocida '{key}' en la cabecera;"
                + (hint or " las válidas son: " + ", ".join(schema)),
            )
            continue
        try:
            clean[key] = field.validate(value)
        except ValueError as exc:
            rep.error(display, line, "front-matter-bad-value", f"'{key}': {exc}")
    for key, field in schema.items():
        if field.required and key not in fm.values and not fm.broken:
            message = f"falta la clave '{key}' en la cabecera; agrégala (por ejemplo, {key}: ...)"
            if field.required == "error":
                rep.error(display, header_line, "front-matter-missing-key", message)
            else:
                rep.warning(display, header_line, "front-matter-missing-key", message)
    return clean


# --- validators -------------------------------------------------------------------------------


def v_str(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise ValueError("debe ser un texto")
    text = str(value).strip()
    if not text:
        raise ValueError("no puede estar vacío")
    return text


def v_str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError("debe ser una lista de textos (una línea '- texto' por elemento)")
    return tuple(v_str(item) for item in value)


_DECIMAL_COMMA = re.compile(r"^\s*(\d{1,6}),(\d{1,6})\s*$")


def v_positive_number(value: Any) -> float:
    # «2,5», the Chilean way: YAML reads it as text, never as 25 (issue 21).
    comma = _DECIMAL_COMMA.match(value) if isinstance(value, str) else None
    if comma:
        value = float(f"{comma.group(1)}.{comma.group(2)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError("debe ser un número mayor que 0 (por ejemplo, 4 o 2.5)")
    return float(value)


def v_positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("debe ser un número entero mayor que 0 (por ejemplo, 15)")
    return value


_TRUE = {"si", "true", "verdadero"}
_FALSE = {"no", "false", "falso"}


def parse_bool(value: Any) -> bool:
    """Accept YAML booleans and Spanish sí/no."""
    if isinstance(value, bool):
        return value
    key = norm_key(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("debe ser 'si' o 'no'")


def v_percent(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError("debe ser un número entero de 0 a 100 (porcentaje para aprobar)")
    return value


def v_attempts(value: Any) -> int | None:
    if isinstance(value, str) and norm_key(value) == "ilimitados":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("debe ser un número entero desde 1, o 'ilimitados'")
    return value


def v_choice(*choices: str) -> Validator:
    def check(value: Any) -> str:
        key = norm_key(str(value))
        if isinstance(value, bool) or key not in choices:
            raise ValueError("debe ser uno de: " + ", ".join(choices))
        return key

    return check


def v_date(value: Any) -> date:
    """A calendar date written AAAA-MM-DD (YAML reads it as a date; quoted, it is text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("debe ser una fecha AAAA-MM-DD (por ejemplo, 2026-11-30)")


def v_easy_read_validation(value: Any) -> EasyReadValidation:
    """`fecha:` and `por:` of the validation of the easy-read texts with readers."""
    example = "por ejemplo: {fecha: 2026-11-30, por: Grupo de personas lectoras de Quillota}"
    if not isinstance(value, dict):
        raise ValueError(f"debe tener 'fecha' y 'por' ({example})")
    found: dict[str, Any] = {}
    for raw_key, raw in value.items():
        key = norm_key(str(raw_key))
        if key not in ("fecha", "por"):
            raise ValueError(
                f"clave desconocida '{raw_key}';{suggest(key, ('fecha', 'por'))} usa "
                "solo fecha y por"
            )
        found[key] = raw
    missing = [key for key in ("fecha", "por") if key not in found]
    if missing:
        raise ValueError(f"falta '{missing[0]}' ({example})")
    try:
        when = v_date(found["fecha"])
    except ValueError as exc:
        raise ValueError(f"'fecha' {exc}") from None
    try:
        who = v_str(found["por"])
    except ValueError as exc:
        raise ValueError(f"'por' {exc}: escribe quiénes validaron el texto") from None
    return EasyReadValidation(when, who)
