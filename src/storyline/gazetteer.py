"""A small hand-written multilingual gazetteer: countries, capitals, big cities and organisations.

Each line is ``key|kind|alias;alias;...``; aliases span en, es, fr, de, it, pt, nl, pl, tr, ar, ru
and include common inflected forms and demonyms, so "Estados Unidos", "Stanów Zjednoczonych" and
"الولايات المتحدة" all map to ``us``. Matching is on normalised forms (see ``entities.normalise_name``).
The first alias is the English name; an alias that is the name in other languages is tagged with them
(``Germania@it``, ``Irak@es,fr,de``): what an entity page is titled for a reader of that language.
"""

from __future__ import annotations

from functools import lru_cache

_DATA = """\
us|place|United States;United States of America;USA;U.S.;US;America;American;Americans;Estados Unidos@es,pt;EEUU;\
EE.UU.;EE. UU.;estadounidense;estadounidenses;norteamericano;norteamericanos;États-Unis@fr;Etats-Unis;américain;\
américains;américaine;Vereinigte Staaten@de;Vereinigten Staaten;Amerika;Amerikaner;amerikanische;amerikanischen;\
Stati Uniti@it;americano;americani;Estados Unidos da América;Verenigde Staten@nl;Stany Zjednoczone@pl;\
Stanów Zjednoczonych;Stanach Zjednoczonych;Amerykanie;amerykański;amerykańskie;ABD@tr;Amerika Birleşik Devletleri;\
Amerikalı;Amerikalılar;الولايات المتحدة@ar;أمريكا;امريكا;الأمريكية;الأمريكي;واشنطن العاصمة;США@ru;Соединённые Штаты;\
Америка
uk|place|United Kingdom;UK;Britain;Great Britain;British;Reino Unido@es,pt;Gran Bretaña;británico;Royaume-Uni@fr;\
Grande-Bretagne;britannique;Vereinigtes Königreich;Großbritannien@de;Grossbritannien;britische;britischen;\
Regno Unito@it;Wielka Brytania@pl;Wielkiej Brytanii;brytyjski;İngiltere@tr;Birleşik Krallık;İngiliz;بريطانيا@ar;\
المملكة المتحدة;Великобритания@ru
russia|place|Russia;Russian;Russians;Rusia@es;ruso;rusa;Russie@fr;russe;Russland@de;russische;russischen;Russia;russo;\
Rússia@pt;Rusland@nl;Rosja@pl;Rosji;Rosję;rosyjski;Rusya@tr;Rus;روسيا@ar;Россия@ru;России
china|place|China@es,de,pt,nl;Chinese;chino;china;Chine@fr;chinois;chinesische;chinesischen;Cina@it;cinese;Chiny@pl;\
Chin;Chinach;chiński;Çin@tr;الصين@ar;Китай@ru
germany|place|Germany;German;Alemania@es;alemán;Allemagne@fr;allemand;Deutschland@de;Deutschlands;deutsche;deutschen;\
Bundesrepublik;Germania@it;tedesco;Alemanha@pt;Duitsland@nl;Niemcy@pl;Niemiec;Niemczech;niemiecki;Almanya@tr;Alman;\
ألمانيا@ar;Германия@ru
france|place|France@fr;French;Francia@es,it;francés;français;française;Frankreich@de;Frankreichs;französische;\
französischen;francese;França@pt;Frankrijk@nl;Francja@pl;Francji;Fransa@tr;Fransız;فرنسا@ar;Франция@ru
italy|place|Italy;Italian;Italia@es,it;italiano;Italie@fr;italien;Italien@de;italienische;Itália@pt;Italië@nl;\
Włochy@pl;Włoszech;İtalya@tr;إيطاليا@ar;Италия@ru
spain|place|Spain;Spanish;España@es;español;Espagne@fr;espagnol;Spanien@de;spanische;Spagna@it;Espanha@pt;Spanje@nl;\
Hiszpania@pl;Hiszpanii;İspanya@tr;إسبانيا@ar;Испания@ru
turkey|place|Turkey;Turkish;Türkiye@tr;Turkiye;Türk;Turquía@es;turco;Turquie@fr;turc;Türkei@de;türkische;türkischen;\
Turchia@it;Turquia@pt;Turkije@nl;Turcja@pl;Turcji;تركيا@ar;Турция@ru
syria|place|Syria@pl;Syrian;Siria@es,it;sirio;Syrie@fr;syrien;Syrien@de;syrische;Síria@pt;Syrië@nl;Syrii;Suriye@tr;\
سوريا@ar;سورية;Сирия@ru
iraq|place|Iraq@it;Iraqi;Irak@es,fr,de,nl,pl,tr;iraquí;irakien;irakische;Iraque@pt;Iraku;العراق@ar;Ирак@ru
iran|place|Iran@fr,de,it,nl,pl;Iranian;Irán@es;iraní;iranien;iranische;Irão@pt;Iranu;İran@tr;إيران@ar;ايران;Иран@ru
israel|place|Israel@es,de,pt;Israeli;israelí;israélien;israelische;Israele@it;Izrael@pl;Izraela;İsrail@tr;إسرائيل@ar;\
اسرائيل;Израиль@ru
palestine|place|Palestine;Palestinian;Palestina@es,it,pt;palestino;Palästina@de;palästinensische;Palestyna@pl;\
Filistin@tr;فلسطين@ar;الفلسطينية;Палестина@ru
libya|place|Libya@tr;Libyan;Libia@es,it,pl;libio;Libye@fr;Libyen@de;Líbia@pt;Libii;Libya;ليبيا@ar;الليبي;الليبية;\
Ливия@ru
egypt|place|Egypt;Egyptian;Egipto@es;Égypte@fr;Ägypten@de;Egitto@it;Egito@pt;Egipt@pl;Mısır@tr;مصر@ar;Египет@ru
saudi_arabia|place|Saudi Arabia;Saudi;Arabia Saudita@es,it;Arabie saoudite@fr;Saudi-Arabien@de;Arábia Saudita@pt;\
Arabia Saudyjska@pl;Suudi Arabistan@tr;السعودية@ar;المملكة العربية السعودية;Саудовская Аравия@ru
ukraine|place|Ukraine@fr,de;Ukrainian;Ucrania@es;ucraniano;Ukrainische;Ucraina@it;Ucrânia@pt;Oekraïne@nl;Ukraina@pl;\
Ukrainy;Ukrainie;Ukrayna@tr;أوكرانيا@ar;Украина@ru
poland|place|Poland;Polish;Polonia@es,it;Pologne@fr;Polen@de,nl;Polska@pl;Polski;Polsce;Polonya@tr;بولندا@ar;Польша@ru
greece|place|Greece;Greek;Grecia@es,it;Grèce@fr;Griechenland@de;Grécia@pt;Griekenland@nl;Grecja@pl;Grecji;\
Yunanistan@tr;اليونان@ar;Греция@ru
japan|place|Japan@de,nl;Japanese;Japón@es;Japon@fr;Giappone@it;Japão@pt;Japonia@pl;Japonii;Japonya@tr;اليابان@ar;\
Япония@ru
india|place|India@es,it,nl;Indian;Inde@fr;Indien@de;Índia@pt;Indie@pl;Indii;Hindistan@tr;الهند@ar;Индия@ru
pakistan|place|Pakistan@fr,de,it,pl,tr;Pakistani;Pakistán@es;Paquistão@pt;Pakistanu;باكستان@ar;Пакистан@ru
afghanistan|place|Afghanistan@fr,de,it;Afganistán@es;Afganistan@pl,tr;Afeganistão@pt;أفغانستان@ar;Афганистан@ru
north_korea|place|North Korea;Corea del Norte@es;Corée du Nord@fr;Nordkorea@de;Coreia do Norte@pt;Korea Północna@pl;\
Kuzey Kore@tr;كوريا الشمالية@ar;Северная Корея@ru
south_korea|place|South Korea;Corea del Sur@es;Corée du Sud@fr;Südkorea@de;Coreia do Sul@pt;Korea Południowa@pl;\
Güney Kore@tr;كوريا الجنوبية@ar;Южная Корея@ru
mexico|place|Mexico;Mexican;México@es,pt;mexicano;Mexique@fr;Mexiko@de;Messico@it;Meksyk@pl;Meksyku;Meksika@tr;\
المكسيك@ar;Мексика@ru
brazil|place|Brazil;Brasil@es,pt;Brésil@fr;Brasilien@de;Brasile@it;Brazylia@pl;Brazylii;Brezilya@tr;البرازيل@ar;\
Бразилия@ru
canada|place|Canada@fr,it;Canadian;Canadá@es,pt;Kanada@de,pl,tr;كندا@ar;Канада@ru
venezuela|place|Venezuela;Wenezuela@pl;Venezüella@tr;فنزويلا@ar;Венесуэла@ru
argentina|place|Argentina;Argentine@fr;Argentinien@de;Argentyna@pl;Arjantin@tr;الأرجنتين@ar;Аргентина@ru
austria|place|Austria;Autriche@fr;Österreich@de;Österreichs;Áustria@pt;Oostenrijk@nl;Austrii;Avusturya@tr;النمسا@ar;\
Австрия@ru
switzerland|place|Switzerland;Swiss;Suiza@es;Suisse@fr;Schweiz@de;Svizzera@it;Suíça@pt;Zwitserland@nl;Szwajcaria@pl;\
İsviçre@tr;سويسرا@ar;Швейцария@ru
netherlands|place|Netherlands;Dutch;Holland;Países Bajos@es;Pays-Bas@fr;Niederlande@de;Paesi Bassi@it;Nederland@nl;\
Holandia@pl;Hollanda@tr;هولندا@ar;Нидерланды@ru
belgium|place|Belgium;Bélgica@es;Belgique@fr;Belgien@de;Belgio@it;België@nl;Belgia@pl;Belçika@tr;بلجيكا@ar;Бельгия@ru
qatar|place|Qatar;Katar@de,pl,tr;قطر@ar;Катар@ru
lebanon|place|Lebanon;Líbano@es,pt;Liban@fr,pl;Libanon@de,nl;Libano@it;Lübnan@tr;لبنان@ar;Ливан@ru
jordan|place|Jordan;Jordania@es;Jordanie@fr;Jordanien@de;Giordania@it;Ürdün@tr;الأردن@ar;Иордания@ru
yemen|place|Yemen;Jemen@de,pl;Iémen@pt;اليمن@ar;Йемен@ru
sudan|place|Sudan;Sudán@es;Soudan@fr;السودان@ar;Судан@ru
algeria|place|Algeria;Argelia@es;Algérie@fr;Algerien@de;Algieria@pl;Cezayir@tr;الجزائر@ar;Алжир@ru
morocco|place|Morocco;Marruecos@es;Maroc@fr;Marokko@de,nl;Marocco@it;Marrocos@pt;Maroko@pl;Fas@tr;المغرب@ar;Марокко@ru
tunisia|place|Tunisia;Túnez@es;Tunisie@fr;Tunesien@de;Tunezja@pl;Tunus@tr;تونس@ar;Тунис@ru
nigeria|place|Nigeria;Nijerya@tr;نيجيريا@ar;Нигерия@ru
south_africa|place|South Africa;Sudáfrica@es;Afrique du Sud@fr;Südafrika@de;Sudafrica@it;RPA@pl;Güney Afrika@tr;\
جنوب أفريقيا@ar;ЮАР@ru
australia|place|Australia;Australie@fr;Australien@de;Austrália@pt;Australië@nl;Avustralya@tr;أستراليا@ar;Австралия@ru
europe|place|Europe;European;Europa@es,de,it,pt,nl,pl;europeo;européen;europäische;europäischen;europejski;Avrupa@tr;\
أوروبا@ar;Европа@ru
africa|place|Africa@it;África@es,pt;Afrique@fr;Afrika@de,nl,tr;أفريقيا@ar;Африка@ru
washington|place|Washington;Waszyngton@pl;Vaşington@tr;واشنطن@ar;Вашингтон@ru
moscow|place|Moscow;Moscú@es;Moscou@fr;Moskau@de;Mosca@it;Moskwa@pl;Moskwie;Moskova@tr;موسكو@ar;Москва@ru
beijing|place|Beijing;Pekín@es;Pékin@fr;Peking@de;Pechino@it;Pequim@pt;Pekin@pl;Pekinie;بكين@ar;Пекин@ru
london|place|London;Londres@es,fr,pt;Londra@it;Londyn@pl;Londynie;لندن@ar;Лондон@ru
paris|place|Paris;París@es;Parigi@it;Paryż@pl;Paryżu;باريس@ar;Париж@ru
berlin|place|Berlin;Berlín@es;Berlino@it;Berlinie;برلين@ar;Берлин@ru
madrid|place|Madrid;Madryt@pl;مدريد@ar;Мадрид@ru
rome|place|Rome@fr;Roma@es,it,pt;Rom@de;Rzym@pl;روما@ar;Рим@ru
brussels|place|Brussels;Bruselas@es;Bruxelles@fr;Brüssel@de;Bruxelas@pt;Brussel@nl;Bruksela@pl;Brukseli;Brüksel@tr;\
بروكسل@ar;Брюссель@ru
vienna|place|Vienna;Viena@es;Vienne@fr;Wien@de;Wiedeń@pl;Viyana@tr;فيينا@ar;Вена@ru
warsaw|place|Warsaw;Varsovia@es;Varsovie@fr;Warschau@de;Varsavia@it;Warszawa@pl;Warszawie;Varşova@tr;وارسو@ar;\
Варшава@ru
ankara|place|Ankara;أنقرة@ar;Анкара@ru
istanbul|place|Istanbul;İstanbul@tr;Estambul@es;Stambuł@pl;إسطنبول@ar;اسطنبول;Стамбул@ru
damascus|place|Damascus;Damasco@es,it,pt;Damas@fr;Damaskus@de;Damaszek@pl;Şam@tr;دمشق@ar;Дамаск@ru
baghdad|place|Baghdad;Bagdad@es,fr,de,pl;Bağdat@tr;بغداد@ar;Багдад@ru
tehran|place|Tehran;Teherán@es;Téhéran@fr;Teheran@de,it,pl;Tahran@tr;طهران@ar;Тегеран@ru
jerusalem|place|Jerusalem;Jerusalén@es;Jérusalem@fr;Gerusalemme@it;Jerozolima@pl;Kudüs@tr;القدس@ar;Иерусалим@ru
tripoli|place|Tripoli;Trípoli@es;Trypolis@pl;Trablus@tr;طرابلس@ar;Триполи@ru
cairo|place|Cairo;El Cairo@es;Le Caire@fr;Kairo@de;Kair@pl;Kahire@tr;القاهرة@ar;Каир@ru
kyiv|place|Kyiv;Kiev@es,it;Kiew@de;Kijów@pl;Kijowie;Kiev;كييف@ar;Киев@ru
tokyo|place|Tokyo;Tokio@es,de,pl;Tóquio@pt;Tokion;طوكيو@ar;Токио@ru
new_york|place|New York;Nueva York@es;Nowy Jork@pl;Nowym Jorku;نيويورك@ar;Нью-Йорк@ru
wuhan|place|Wuhan;Uhan;ووهان@ar;Ухань@ru
un|org|United Nations;UN;U.N.;Naciones Unidas@es;ONU;Nations unies@fr;Vereinte Nationen@de;Vereinten Nationen;UNO;\
Nazioni Unite@it;Nações Unidas@pt;Verenigde Naties@nl;VN;Organizacja Narodów Zjednoczonych@pl;Birleşmiş Milletler@tr;\
BM;الأمم المتحدة@ar;ООН@ru
eu|org|European Union;EU;Unión Europea@es;UE;Union européenne@fr;Europäische Union@de;Europäischen Union;\
Unione Europea@it;União Europeia@pt;Europese Unie@nl;Unia Europejska@pl;Unii Europejskiej;Avrupa Birliği@tr;AB;\
الاتحاد الأوروبي@ar;Евросоюз@ru;ЕС
nato|org|NATO;OTAN@es,fr,pt;NAVO@nl;حلف الناتو;الناتو@ar;НАТО@ru
who|org|World Health Organization;WHO;Organización Mundial de la Salud@es;OMS;Organisation mondiale de la santé@fr;\
Weltgesundheitsorganisation@de;Organizzazione Mondiale della Sanità@it;WGO@nl;Światowa Organizacja Zdrowia@pl;\
Dünya Sağlık Örgütü@tr;DSÖ;منظمة الصحة العالمية@ar;ВОЗ@ru
imf|org|International Monetary Fund;IMF;Fondo Monetario Internacional@es;FMI;Fonds monétaire international@fr;\
Internationaler Währungsfonds@de;IWF;MFW@pl;Uluslararası Para Fonu@tr;صندوق النقد الدولي@ar;МВФ@ru
ecb|org|European Central Bank;ECB;Banco Central Europeo@es;BCE;Banque centrale européenne@fr;\
Europäische Zentralbank@de;EZB;EBC;Europejski Bank Centralny@pl;Avrupa Merkez Bankası@tr;البنك المركزي الأوروبي@ar;\
ЕЦБ@ru
fed|org|Federal Reserve;Fed;Reserva Federal@es;Réserve fédérale@fr;Notenbank;Rezerwa Federalna@pl;Fed'in;\
الاحتياطي الفيدرالي@ar;ФРС@ru
opec|org|OPEC;OPEP@es,fr;OPEK@pl;أوبك@ar;ОПЕК@ru
covid|topic|COVID-19;COVID;Covid;coronavirus;Coronavirus;Corona;koronawirus;koronawirusa;koronavirüs;Koronavirüs;\
كورونا;كوفيد-19;коронавирус
"""


def _tagged() -> list[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    """Each line as (key, kind, ((alias, languages it is the name in), …))."""
    rows = []
    for line in _DATA.splitlines():
        key, kind, aliases = line.split("|")
        parsed = []
        for alias in (a for a in aliases.split(";") if a):
            name, _, langs = alias.partition("@")
            parsed.append((name, tuple(langs.split(",")) if langs else ()))
        rows.append((key, kind, tuple(parsed)))
    return rows


def entries() -> list[tuple[str, str, tuple[str, ...]]]:
    """The gazetteer as (key, kind, aliases) rows, the English name first."""
    return [(key, kind, tuple(name for name, _ in aliases)) for key, kind, aliases in _tagged()]


@lru_cache(maxsize=1)
def _local_names() -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for key, _, aliases in _tagged():
        own = names.setdefault(key, {"en": aliases[0][0]})
        for name, langs in aliases:
            for lang in langs:
                own.setdefault(lang, name)
    return names


def local_name(key: str, lang: str | None) -> str | None:
    """The name of a gazetteer entry in ``lang`` (an alias tagged ``@lang``; English: its first alias); None
    when the entry is unknown or has no name tagged in that language.

    >>> local_name("germany", "it"), local_name("germany", "en"), local_name("germany", "xx")
    ('Germania', 'Germany', None)
    >>> local_name("atlantis", "it"), local_name("iraq", "fr")
    (None, 'Irak')
    """
    return _local_names().get(key, {}).get(lang or "")
