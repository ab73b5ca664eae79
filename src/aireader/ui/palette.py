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

ANSI themes are left alone: their colours are the terminal's, unknown here.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    for _ in range(16):  # to 1/65536 of the way: well under one step of a channel
        middle = (low + high) / 2
        if worst(moved(middle)) >= minimum:
            high = middle
        else:
            low = middle
    return moved(high)


def _parse(value: str | None) -> Color | None:
    if value is None:
        return None
    try:
        color = Color.parse(value)
    except ColorParseError:
        return None  # "auto 87%", "transparent" and the like: not a fixed colour
    return None if color.ansi is not None or color.a < 1 else color


def legible_variables(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` (Textual's, for the theme in force) with the text colours made
    legible (``$foreground-muted`` too, at its own opacity); the pane borders: ``$pane-border`` (inactive, as quiet as 3:1
    allows) and ``$pane-border-focus`` (the accent, at least 3:1); and links in a
    colour of their own (the first of the accent, primary and secondary colours
    that plainly differs from the text) rather than the text's."""
    grounds = [c for c in (_parse(variables.get(name)) for name in BACKGROUNDS) if c]
    out = dict(variables)
    if len(grounds) < len(BACKGROUNDS):  # an ANSI theme: the terminal's colours
        out["pane-border"] = "ansi_bright_black"  # grey, on a dark or a light terminal
        out["pane-border-focus"] = variables.get("accent", "ansi_default")
        return out
    for name in TEXT_COLOURS:
        color = _parse(variables.get(name))
        if color is not None:
            alpha = 1.0 if name == "foreground" else SHADE
            out[name] = legible(color, grounds, TEXT, alpha).hex
    muted = variables.get("foreground-muted", "")
    try:
        shade = Color.parse(muted)
    except ColorParseError:
        shade = None
    if shade is not None and shade.ansi is None:  # the theme's text, translucent
        out["foreground-muted"] = legible(shade, grounds, TEXT, shade.a).with_alpha(shade.a).hex
    for name in ("footer-foreground", "footer-key-foreground", "footer-description-foreground"):
        color = _parse(variables.get(name))
        footer = _parse(variables.get("footer-background")) or _parse(variables.get("panel"))
        if color is not None and footer is not None:
            out[name] = legible(color, [footer], TEXT).hex
    panes = grounds[:2]  # the screen and the panes, each side of a pane's border
    quiet = _parse(variables.get("panel-lighten-1")) or grounds[2]
    accent = _parse(variables.get("accent")) or quiet
    out["pane-border"] = legible(quiet, panes, GRAPHIC).hex
    out["pane-border-focus"] = legible(accent, panes, GRAPHIC).hex
    text = Color.parse(out["foreground"])
    link = _parse(variables.get("link-color"))
    if link is None:  # Textual's default, the text's own colour: links would not show
        choices = [c for c in (_parse(variables.get(name)) for name in LINK_FROM) if c]
        legible_choices = [legible(c, grounds, TEXT) for c in choices]
        link = next(
            (c for c in legible_choices if difference(c, text) >= DISTINCT),
            max(legible_choices, key=lambda c: difference(c, text), default=text),
        )
    out["link-color"] = out["link-color-hover"] = legible(link, grounds, TEXT).hex
    return out
