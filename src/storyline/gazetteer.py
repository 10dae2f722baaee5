"""A small hand-written multilingual gazetteer: countries, capitals, big cities and organisations.

Each line is ``key|kind|alias;alias;...``; aliases span en, es, fr, de, it, pt, nl, pl, tr, ar, ru
and include common inflected forms and demonyms, so "Estados Unidos", "Stanów Zjednoczonych" and
"الولايات المتحدة" all map to ``us``. Matching is on normalised forms (see ``entities.normalise_name``).
"""

from __future__ import annotations

_DATA = """\
us|place|United States;United States of America;USA;U.S.;US;America;American;Americans;Estados Unidos;EEUU;EE.UU.;\
EE. UU.;estadounidense;estadounidenses;norteamericano;norteamericanos;États-Unis;Etats-Unis;américain;américains;\
américaine;Vereinigte Staaten;Vereinigten Staaten;Amerika;Amerikaner;amerikanische;amerikanischen;Stati Uniti;\
americano;americani;Estados Unidos da América;Verenigde Staten;Stany Zjednoczone;Stanów Zjednoczonych;\
Stanach Zjednoczonych;Amerykanie;amerykański;amerykańskie;ABD;Amerika Birleşik Devletleri;Amerikalı;Amerikalılar;\
الولايات المتحدة;أمريكا;امريكا;الأمريكية;الأمريكي;واشنطن العاصمة;США;Соединённые Штаты;Америка
uk|place|United Kingdom;UK;Britain;Great Britain;British;Reino Unido;Gran Bretaña;británico;Royaume-Uni;\
Grande-Bretagne;britannique;Vereinigtes Königreich;Großbritannien;Grossbritannien;britische;britischen;Regno Unito;\
Wielka Brytania;Wielkiej Brytanii;brytyjski;İngiltere;Birleşik Krallık;İngiliz;بريطانيا;المملكة المتحدة;Великобритания
russia|place|Russia;Russian;Russians;Rusia;ruso;rusa;Russie;russe;Russland;russische;russischen;Russia;russo;Rússia;\
Rusland;Rosja;Rosji;Rosję;rosyjski;Rusya;Rus;روسيا;Россия;России
china|place|China;Chinese;chino;china;Chine;chinois;chinesische;chinesischen;Cina;cinese;Chiny;Chin;Chinach;chiński;\
Çin;الصين;Китай
germany|place|Germany;German;Alemania;alemán;Allemagne;allemand;Deutschland;Deutschlands;deutsche;deutschen;\
Bundesrepublik;Germania;tedesco;Alemanha;Duitsland;Niemcy;Niemiec;Niemczech;niemiecki;Almanya;Alman;ألمانيا;Германия
france|place|France;French;Francia;francés;français;française;Frankreich;Frankreichs;französische;französischen;\
francese;França;Frankrijk;Francja;Francji;Fransa;Fransız;فرنسا;Франция
italy|place|Italy;Italian;Italia;italiano;Italie;italien;Italien;italienische;Itália;Italië;Włochy;Włoszech;İtalya;\
إيطاليا;Италия
spain|place|Spain;Spanish;España;español;Espagne;espagnol;Spanien;spanische;Spagna;Espanha;Spanje;Hiszpania;Hiszpanii;\
İspanya;إسبانيا;Испания
turkey|place|Turkey;Turkish;Türkiye;Turkiye;Türk;Turquía;turco;Turquie;turc;Türkei;türkische;türkischen;Turchia;\
Turquia;Turkije;Turcja;Turcji;تركيا;Турция
syria|place|Syria;Syrian;Siria;sirio;Syrie;syrien;Syrien;syrische;Síria;Syrië;Syrii;Suriye;سوريا;سورية;Сирия
iraq|place|Iraq;Iraqi;Irak;iraquí;irakien;irakische;Iraque;Iraku;العراق;Ирак
iran|place|Iran;Iranian;Irán;iraní;iranien;iranische;Irão;Iranu;İran;إيران;ايران;Иран
israel|place|Israel;Israeli;israelí;israélien;israelische;Israele;Izrael;Izraela;İsrail;إسرائيل;اسرائيل;Израиль
palestine|place|Palestine;Palestinian;Palestina;palestino;Palästina;palästinensische;Palestyna;Filistin;فلسطين;\
الفلسطينية;Палестина
libya|place|Libya;Libyan;Libia;libio;Libye;Libyen;Líbia;Libii;Libya;ليبيا;الليبي;الليبية;Ливия
egypt|place|Egypt;Egyptian;Egipto;Égypte;Ägypten;Egitto;Egito;Egipt;Mısır;مصر;Египет
saudi_arabia|place|Saudi Arabia;Saudi;Arabia Saudita;Arabie saoudite;Saudi-Arabien;Arábia Saudita;Arabia Saudyjska;\
Suudi Arabistan;السعودية;المملكة العربية السعودية;Саудовская Аравия
ukraine|place|Ukraine;Ukrainian;Ucrania;ucraniano;Ukrainische;Ucraina;Ucrânia;Oekraïne;Ukraina;Ukrainy;Ukrainie;\
Ukrayna;أوكرانيا;Украина
poland|place|Poland;Polish;Polonia;Pologne;Polen;Polska;Polski;Polsce;Polonya;بولندا;Польша
greece|place|Greece;Greek;Grecia;Grèce;Griechenland;Grécia;Griekenland;Grecja;Grecji;Yunanistan;اليونان;Греция
japan|place|Japan;Japanese;Japón;Japon;Giappone;Japão;Japonia;Japonii;Japonya;اليابان;Япония
india|place|India;Indian;Inde;Indien;Índia;Indie;Indii;Hindistan;الهند;Индия
pakistan|place|Pakistan;Pakistani;Pakistán;Paquistão;Pakistanu;باكستان;Пакистан
afghanistan|place|Afghanistan;Afganistán;Afganistan;Afeganistão;أفغانستان;Афганистан
north_korea|place|North Korea;Corea del Norte;Corée du Nord;Nordkorea;Coreia do Norte;Korea Północna;Kuzey Kore;\
كوريا الشمالية;Северная Корея
south_korea|place|South Korea;Corea del Sur;Corée du Sud;Südkorea;Coreia do Sul;Korea Południowa;Güney Kore;\
كوريا الجنوبية;Южная Корея
mexico|place|Mexico;Mexican;México;mexicano;Mexique;Mexiko;Messico;Meksyk;Meksyku;Meksika;المكسيك;Мексика
brazil|place|Brazil;Brasil;Brésil;Brasilien;Brasile;Brazylia;Brazylii;Brezilya;البرازيل;Бразилия
canada|place|Canada;Canadian;Canadá;Kanada;كندا;Канада
venezuela|place|Venezuela;Wenezuela;Venezüella;فنزويلا;Венесуэла
argentina|place|Argentina;Argentine;Argentinien;Argentyna;Arjantin;الأرجنتين;Аргентина
austria|place|Austria;Autriche;Österreich;Österreichs;Áustria;Oostenrijk;Austrii;Avusturya;النمسا;Австрия
switzerland|place|Switzerland;Swiss;Suiza;Suisse;Schweiz;Svizzera;Suíça;Zwitserland;Szwajcaria;İsviçre;سويسرا;Швейцария
netherlands|place|Netherlands;Dutch;Holland;Países Bajos;Pays-Bas;Niederlande;Paesi Bassi;Nederland;Holandia;Hollanda;\
هولندا;Нидерланды
belgium|place|Belgium;Bélgica;Belgique;Belgien;Belgio;België;Belgia;Belçika;بلجيكا;Бельгия
qatar|place|Qatar;Katar;قطر;Катар
lebanon|place|Lebanon;Líbano;Liban;Libanon;Libano;Lübnan;لبنان;Ливан
jordan|place|Jordan;Jordania;Jordanie;Jordanien;Giordania;Ürdün;الأردن;Иордания
yemen|place|Yemen;Jemen;Iémen;اليمن;Йемен
sudan|place|Sudan;Sudán;Soudan;السودان;Судан
algeria|place|Algeria;Argelia;Algérie;Algerien;Algieria;Cezayir;الجزائر;Алжир
morocco|place|Morocco;Marruecos;Maroc;Marokko;Marocco;Marrocos;Maroko;Fas;المغرب;Марокко
tunisia|place|Tunisia;Túnez;Tunisie;Tunesien;Tunezja;Tunus;تونس;Тунис
nigeria|place|Nigeria;Nijerya;نيجيريا;Нигерия
south_africa|place|South Africa;Sudáfrica;Afrique du Sud;Südafrika;Sudafrica;RPA;Güney Afrika;جنوب أفريقيا;ЮАР
australia|place|Australia;Australie;Australien;Austrália;Australië;Avustralya;أستراليا;Австралия
europe|place|Europe;European;Europa;europeo;européen;europäische;europäischen;europejski;Avrupa;أوروبا;Европа
africa|place|Africa;África;Afrique;Afrika;أفريقيا;Африка
washington|place|Washington;Waszyngton;Vaşington;واشنطن;Вашингтон
moscow|place|Moscow;Moscú;Moscou;Moskau;Mosca;Moskwa;Moskwie;Moskova;موسكو;Москва
beijing|place|Beijing;Pekín;Pékin;Peking;Pechino;Pequim;Pekin;Pekinie;بكين;Пекин
london|place|London;Londres;Londra;Londyn;Londynie;لندن;Лондон
paris|place|Paris;París;Parigi;Paryż;Paryżu;باريس;Париж
berlin|place|Berlin;Berlín;Berlino;Berlinie;برلين;Берлин
madrid|place|Madrid;Madryt;مدريد;Мадрид
rome|place|Rome;Roma;Rom;Rzym;روما;Рим
brussels|place|Brussels;Bruselas;Bruxelles;Brüssel;Bruxelas;Brussel;Bruksela;Brukseli;Brüksel;بروكسل;Брюссель
vienna|place|Vienna;Viena;Vienne;Wien;Wiedeń;Viyana;فيينا;Вена
warsaw|place|Warsaw;Varsovia;Varsovie;Warschau;Varsavia;Warszawa;Warszawie;Varşova;وارسو;Варшава
ankara|place|Ankara;أنقرة;Анкара
istanbul|place|Istanbul;İstanbul;Estambul;Stambuł;إسطنبول;اسطنبول;Стамбул
damascus|place|Damascus;Damasco;Damas;Damaskus;Damaszek;Şam;دمشق;Дамаск
baghdad|place|Baghdad;Bagdad;Bağdat;بغداد;Багдад
tehran|place|Tehran;Teherán;Téhéran;Teheran;Tahran;طهران;Тегеран
jerusalem|place|Jerusalem;Jerusalén;Jérusalem;Gerusalemme;Jerozolima;Kudüs;القدس;Иерусалим
tripoli|place|Tripoli;Trípoli;Trypolis;Trablus;طرابلس;Триполи
cairo|place|Cairo;El Cairo;Le Caire;Kairo;Kair;Kahire;القاهرة;Каир
kyiv|place|Kyiv;Kiev;Kiew;Kijów;Kijowie;Kiev;كييف;Киев
tokyo|place|Tokyo;Tokio;Tóquio;Tokion;طوكيو;Токио
new_york|place|New York;Nueva York;Nowy Jork;Nowym Jorku;نيويورك;Нью-Йорк
wuhan|place|Wuhan;Uhan;ووهان;Ухань
un|org|United Nations;UN;U.N.;Naciones Unidas;ONU;Nations unies;Vereinte Nationen;Vereinten Nationen;UNO;Nazioni Unite;\
Nações Unidas;Verenigde Naties;VN;Organizacja Narodów Zjednoczonych;Birleşmiş Milletler;BM;الأمم المتحدة;ООН
eu|org|European Union;EU;Unión Europea;UE;Union européenne;Europäische Union;Europäischen Union;Unione Europea;\
União Europeia;Europese Unie;Unia Europejska;Unii Europejskiej;Avrupa Birliği;AB;الاتحاد الأوروبي;Евросоюз;ЕС
nato|org|NATO;OTAN;NAVO;حلف الناتو;الناتو;НАТО
who|org|World Health Organization;WHO;Organización Mundial de la Salud;OMS;Organisation mondiale de la santé;\
Weltgesundheitsorganisation;Organizzazione Mondiale della Sanità;WGO;Światowa Organizacja Zdrowia;Dünya Sağlık Örgütü;\
DSÖ;منظمة الصحة العالمية;ВОЗ
imf|org|International Monetary Fund;IMF;Fondo Monetario Internacional;FMI;Fonds monétaire international;\
Internationaler Währungsfonds;IWF;MFW;Uluslararası Para Fonu;صندوق النقد الدولي;МВФ
ecb|org|European Central Bank;ECB;Banco Central Europeo;BCE;Banque centrale européenne;Europäische Zentralbank;EZB;EBC;\
Europejski Bank Centralny;Avrupa Merkez Bankası;البنك المركزي الأوروبي;ЕЦБ
fed|org|Federal Reserve;Fed;Reserva Federal;Réserve fédérale;Notenbank;Rezerwa Federalna;Fed'in;الاحتياطي الفيدرالي;ФРС
opec|org|OPEC;OPEP;OPEK;أوبك;ОПЕК
covid|topic|COVID-19;COVID;Covid;coronavirus;Coronavirus;Corona;koronawirus;koronawirusa;koronavirüs;Koronavirüs;\
كورونا;كوفيد-19;коронавирус
"""


def entries() -> list[tuple[str, str, tuple[str, ...]]]:
    """The gazetteer as (key, kind, aliases) rows."""
    rows = []
    for line in _DATA.splitlines():
        key, kind, aliases = line.split("|")
        rows.append((key, kind, tuple(a for a in aliases.split(";") if a)))
    return rows
