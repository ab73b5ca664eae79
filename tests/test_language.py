"""An article's language, from its front matter or guessed from its text, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from aireader.core.language import detect, language, normalise

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles
SAMPLES = {
    "en": "The new video model was released by the company and it is already popular.",
    "pt": "O novo modelo de vídeo foi lançado pela empresa e já é muito popular entre os usuários.",
    "es": "El nuevo modelo de vídeo fue lanzado por la empresa y ya es muy popular entre ellos.",
    "fr": "Le nouveau modèle vidéo a été lancé par l'entreprise et il est déjà très populaire.",
    "de": "Das neue Videomodell wurde von der Firma veröffentlicht und ist sehr beliebt.",
    "ca": "El nou model de vídeo va ser llançat per l'empresa i ja és molt popular.",
    "it": "Il nuovo modello video è stato lanciato dalla società ed è già molto popolare.",
    "nl": "Het nieuwe videomodel is door het bedrijf uitgebracht en is al erg populair.",
    "zh": "该公司发布了新的视频生成模型，用户非常喜欢。",
    "ja": "その会社は新しい動画生成モデルを発表し、ユーザーに人気です。",
    "ko": "그 회사는 새로운 비디오 모델을 발표했고 사용자들에게 인기가 많습니다.",
    "ru": "Компания выпустила новую модель для создания видео, и она уже популярна.",
    "uk": "Компанія випустила нову модель для створення відео, і вона вже популярна.",
    "ar": "أصدرت الشركة نموذجا جديدا لتوليد الفيديو وهو يحظى بشعبية كبيرة.",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_one_sentence_is_enough(lang: str) -> None:
    assert detect(SAMPLES[lang]) == lang


def test_the_seeds_three_english_one_portuguese() -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 4
    found = sorted(detect(path.read_text(encoding="utf-8")) or "?" for path in seeds)
    assert found == ["en", "en", "en", "pt"]


def test_too_little_to_go_on_gives_none() -> None:
    for text in ("12345 ---", "", "Sora", "GPT-4o mini, Wan2.1!", "http://example.com/a/b"):
        assert detect(text) is None, text


def test_the_front_matter_wins_and_is_normalised() -> None:
    assert language("pt-BR", SAMPLES["en"]) == "pt"
    assert language("English", SAMPLES["pt"]) == "en"
    assert language("", SAMPLES["de"]) == "de"
    assert language(None, "12345") is None
    assert normalise("zh_Hant") == "zh"
    assert normalise("not a language at all") is None


def test_long_text_is_judged_by_its_start() -> None:
    text = " ".join([SAMPLES["pt"]] * 30 + [SAMPLES["en"]] * 500)  # a quote at the end
    assert detect(text) == "pt"


def test_an_article_without_lang_gets_its_texts_and_lang_filters_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aireader.cli import main

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "nota.txt").write_text(f"Nota\n\n{SAMPLES['pt']}\n", encoding="utf-8")
    (folder / "note.md").write_text(f"---\ntitle: Note\n---\n\n{SAMPLES['en']}\n", "utf-8")
    (folder / "tagged.md").write_text("---\ntitle: Given\nlang: pt-BR\n---\n\nHello.\n", "utf-8")
    assert main(["list", str(folder), "lang:pt", "--json"]) == 0
    import json

    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((r["title"], r["lang"]) for r in found) == [("Given", "pt-br"), ("Nota", "pt")]
    assert main(["list", str(folder), "lang:en"]) == 0
    assert "Note" in capsys.readouterr().out


def test_script_marks_that_are_not_letters_are_no_language() -> None:
    # Found by hypothesis: a Hebrew punctuation mark alone divided by zero letters.
    assert detect("\u05c0") is None
    assert detect("\u0589 \u060c") is None
