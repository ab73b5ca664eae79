"""Colours every theme can be read in: the theme's own, made legible where they are not.

Textual derives a theme's text colours (``$text-primary``, ``$text-warning``, …)
by tinting black or white with the theme's colours, and uses the theme's
``$foreground`` as it is. In some of the themes it ships, the result is hard to
read: Solarized's foreground on its surface is 4.1:1, textual-light's
``$text-accent`` 3.0:1, atom-one-light's ``$text-success`` 2.5:1.
:func:`legible_variables` moves each such colour toward black or white (keeping
its hue) just far enough to reach WCAG AA (4.5:1 for text, 3:1 for borders) on
every background the app draws it on, and adds the pane border colours, so
``app.tcss`` can use theme variables and still be legible in every theme.

ANSI themes keep their colours (the terminal's, unknown here); only the pane
borders are named for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rich.style import Style
from textual.color import BLACK, WHITE, Color, ColorParseError, rgb_to_lab

TEXT = 4.6
"""WCAG AA for text (4.5:1), and a little over: colours are whole channel steps."""
GRAPHIC = 3.1
"""WCAG AA for what is not text: borders, marks (3:1), and a little over."""

TEXT_COLOURS = (
    "foreground",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
"""Text colours, as Textual and the Markdown code highlighter use them."""
SHADE = 0.8
"""The weakest opacity a text colour is drawn at (code tokens: ``$text-success 80%``)."""
BACKGROUNDS = ("background", "surface", "panel")
"""What the app draws text on: the screen, the panes, the bars."""
MIDDLE = 0.18
"""The luminance under which white reads better than black."""
LINK_FROM = ("accent", "primary", "secondary")
"""The theme colours a link may take, by preference."""
DISTINCT = 25.0
"""ΔE from the text a link's colour should have: plainly another colour."""


def luminance(color: Color) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def difference(a: Color, b: Color) -> float:
    """How different two colours look: CIE76 ΔE (2: just noticeable; 20: another colour)."""
    squares = sum((p - q) ** 2 for p, q in zip(rgb_to_lab(a), rgb_to_lab(b), strict=True))
    return float(squares**0.5)


def legible(
    color: Color, backgrounds: Iterable[Color], minimum: float, alpha: float = 1.0
) -> Color:
    """``color``, or the nearest colour of its hue lighter (on dark backgrounds) or
    darker (on light ones) that reads at ``minimum``:1 on each of ``backgrounds``
    when drawn at ``alpha``."""
    grounds = list(backgrounds)
    color = color.with_alpha(1.0)

    def worst(candidate: Color) -> float:
        return min(contrast(ground + candidate.with_alpha(alpha), ground) for ground in grounds)

    if not grounds or worst(color) >= minimum:
        return color
    dark = sum(luminance(ground) for ground in grounds) / len(grounds) < MIDDLE

    def moved(amount: float) -> Color:  # in L*a*b* lightness: the hue and chroma stay
        return color.lighten(amount) if dark else color.darken(amount)

    low, high = 0.0, 1.0
    if worst(moved(high)) < minimum:
        return WHITE if dark else BLACK
    for _ in range(12):  # to 1/4096 of the way: a tenth of a step of L*
        middle = (low + high) / 2
        if worst(moved(middle)) >= minimum:
            high = middle
        else:
            low = middle
    return moved(high)


def _parse(value: str | None, *, translucent: bool = False) -> Color | None:
    """A fixed colour (not "auto 87%", "transparent", an ANSI colour), or None."""
    try:
        color = Color.parse(value or "")
    except ColorParseError:
        return None
    if color.ansi is not None or (color.a < 1 and not translucent):
        return None
    return color


def _link(variables: dict[str, str], text: Color, grounds: list[Color]) -> Color:
    """The theme's link colour; failing one (Textual's default is the text's own
    colour), the first of its accent, primary and secondary colours that plainly
    differs from the text, else the one that differs most."""
    link = _parse(variables.get("link-color"))
    if link is not None:
        return legible(link, grounds, TEXT)
    choices = [c for c in (_parse(variables.get(name)) for name in LINK_FROM) if c]
    readable = [legible(c, grounds, TEXT) for c in choices]
    return next(
        (c for c in readable if difference(c, text) >= DISTINCT),
        max(readable, key=lambda c: difference(c, text), default=text),
    )


INPUTS = (
    *BACKGROUNDS,
    *TEXT_COLOURS,
    *LINK_FROM,
    "foreground-muted",
    "footer-background",
    "footer-foreground",
    "footer-key-foreground",
    "footer-description-foreground",
    "panel-lighten-1",
    "link-color",
)
"""The variables :func:`legible_variables` reads."""


def legible_variables(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` (Textual's, for the theme in force) with:

    - the text colours legible on every background (``$foreground-muted`` made
      opaque: at 60% opacity no colour reads on a mid-tone bar);
    - ``$pane-border`` (inactive: as quiet as 3:1 allows) and ``$pane-border-focus``
      (the accent, at least 3:1), for the panes' borders;
    - ``$link-color`` a colour of its own, not the text's.
    """
    return {**variables, **_changes(tuple((name, variables.get(name)) for name in INPUTS))}


@lru_cache(maxsize=64)
def _changes(inputs: tuple[tuple[str, str | None], ...]) -> dict[str, str]:
    """The variables :func:`legible_variables` changes, from the theme's ``inputs``
    (name, value): worked out once for each theme."""
    variables = {name: value for name, value in inputs if value is not None}
    out: dict[str, str] = {}
    grounds = [c for c in (_parse(variables.get(name)) for name in BACKGROUNDS) if c]
    if len(grounds) < len(BACKGROUNDS):  # an ANSI theme: the terminal's colours
        out["pane-border"] = "ansi_bright_black"  # grey, on a dark or a light terminal
        out["pane-border-focus"] = variables.get("accent", "ansi_default")
        return out
    background, surface, panel = grounds
    for name in TEXT_COLOURS:
        if (color := _parse(variables.get(name))) is not None:
            alpha = 1.0 if name == "foreground" else SHADE
            out[name] = legible(color, grounds, TEXT, alpha).hex
    if (shade := _parse(variables.get("foreground-muted"), translucent=True)) is not None:
        out["foreground-muted"] = legible(surface + shade, grounds, TEXT).hex
    footer = _parse(variables.get("footer-background")) or panel
    for name in ("footer-foreground", "footer-key-foreground", "footer-description-foreground"):
        if (color := _parse(variables.get(name))) is not None:
            out[name] = legible(color, [footer], TEXT).hex
    quiet = _parse(variables.get("panel-lighten-1")) or panel
    accent = _parse(variables.get("accent")) or quiet
    out["pane-border"] = legible(quiet, [background, surface], GRAPHIC).hex
    out["pane-border-focus"] = legible(accent, [background, surface], GRAPHIC).hex
    out["link-color"] = out["link-color-hover"] = _link(
        variables, Color.parse(out["foreground"]), grounds
    ).hex
    return out


def muted_style(variables: dict[str, str]) -> Style:
    """The Rich style of quiet text in pop-ups: ``$foreground-muted``, legible.

    Rich's ``dim`` would blend the text toward the background, below 4.5:1 in
    several themes. An ANSI theme (the terminal's own colours) has no colour to
    spare for it: the text is left as it is."""
    colour = variables.get("foreground-muted")
    return Style(color=colour) if colour and colour.startswith("#") else Style()
