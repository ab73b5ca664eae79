"""The tag sidebar driven by keys: moving through it, saved searches in it.

Runs the real app headless (the harness of ``test_app``) and reads what a person
would see: the highlight, the list, the store.
"""

from __future__ import annotations

from pathlib import Path

from test_app import GAMMA, TITLES, running
from test_search_app import settle


async def test_j_moves_down_past_a_saved_search_to_every_tag(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path) as s:
        s.store.save_search("Policy", "policy")
        s.screen.saved = s.store.saved_searches()
        s.screen._refresh_counts()
        await settle(s)
        await s.press("t")
        ids = [option.id for option in s.sidebar.options if option.id and not option.disabled]
        seen = [s.sidebar.highlighted_option.id]  # type: ignore[union-attr]
        for _ in range(len(ids) - 1):
            await s.press("j")
            await settle(s)
            seen.append(s.sidebar.highlighted_option.id)  # type: ignore[union-attr]
        assert seen == ids  # each in turn, never back to All
        assert ids[-1].startswith(("tag:", "topic:")), ids
        assert s.screen.current_view.id == ids[-1]


async def test_d_deletes_a_saved_search_and_u_brings_it_back(
    folder: Path, state_path: Path
) -> None:
    async with running(folder, state_path) as s:
        s.store.save_search("Policy", "policy")
        s.screen.saved = s.store.saved_searches()
        s.screen._refresh_counts()
        await s.press("t")
        for _ in range(s.sidebar.option_count):
            if s.sidebar.highlighted_option.id == "saved:Policy":  # type: ignore[union-attr]
                break
            await s.press("j")
        await settle(s)
        assert s.list_titles() == [GAMMA]
        await s.press("d")
        await settle(s)
        assert "Policy" not in s.text(s.sidebar)
        assert s.store.saved_searches() == []
        assert s.list_titles() == TITLES
        assert any("u brings it back" in note for note in s.notes), s.notes
        await s.press("u")
        await settle(s)
        assert [x.name for x in s.store.saved_searches()] == ["Policy"]
        assert [x.query for x in s.store.saved_searches()] == ["policy"]
        assert "⌕ Policy" in s.text(s.sidebar)
        assert any("is back" in note for note in s.notes), s.notes
