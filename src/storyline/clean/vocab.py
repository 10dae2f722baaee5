"""Phrases of page furniture in several languages (en, es, fr, de, pt, it, nl), by removal reason.

The cleaner relies on line *shape* first; these lists catch the furniture whose shape looks like
text (comment forms, calls to action). Phrases are lower case; matching ignores case, repeated
spaces and trailing punctuation. ``EXACT`` phrases must be the whole line, ``PREFIX`` phrases
must start it (and the line must be short), ``TEASER_LABELS`` are the words before a colon that
announce a link to another story.
"""

from __future__ import annotations

# The whole line is this phrase (after lower-casing and trimming ":*.!…" and spaces).
EXACT: dict[str, tuple[str, ...]] = {
    "comment_form": (
        # en
        "leave a reply", "leave a comment", "post a comment", "add a comment", "comments",
        "comment", "post comment", "submit comment", "cancel reply", "name", "email", "website",
        "reply", "show comments", "view comments", "join the conversation", "join the discussion",
        # es
        "deja una respuesta", "deja un comentario", "dejar un comentario", "comentarios",
        "comentario", "publicar comentario", "cancelar respuesta", "nombre", "correo electrónico",
        "sitio web", "responder",
        # fr
        "laisser un commentaire", "laisser une réponse", "commentaires", "commentaire",
        "annuler la réponse", "nom", "site web", "répondre", "réagir",
        # de
        "schreibe einen kommentar", "hinterlasse einen kommentar", "kommentar verfassen",
        "kommentare", "kommentar", "antworten abbrechen", "kommentar abschicken", "antworten",
        # pt
        "deixe uma resposta", "deixe um comentário", "deixe seu comentário", "comentários",
        "publicar comentário", "cancelar resposta", "nome", "responder",
        # it
        "lascia un commento", "lascia una risposta", "commenti", "commento",
        "pubblica il commento", "annulla risposta", "rispondi",
        # nl
        "laat een reactie achter", "geef een reactie", "reacties", "reactie",
        "reactie plaatsen", "annuleer reactie", "naam",
    ),
    "navigation": (
        # en
        "latest news", "latest", "latest stories", "related", "related articles",
        "related stories", "related news", "related content", "related coverage", "more news",
        "more stories", "most read", "most popular", "most viewed", "trending", "trending now",
        "top stories", "recommended", "recommended for you", "you may also like",
        "you might also like", "back to top", "next article", "previous article", "next story",
        "previous story", "read more", "read next", "read also", "see also", "see more",
        "home", "menu", "skip to content", "tags", "topics", "scroll down for video",
        "play video", "video", "watch video", "scroll below for video", "return to top", "watch", "listen",
        "listen to this article",
        "more on this story", "in other news", "editor's picks", "don't miss",
        # es
        "últimas noticias", "lo último", "más noticias", "noticias relacionadas",
        "lo más leído", "lo más visto", "te recomendamos", "relacionados", "relacionado",
        "etiquetas", "temas", "leer más", "ver más", "volver arriba", "siguiente", "anterior",
        "también te puede interesar", "te puede interesar", "vídeo", "más información",
        # fr
        "dernières nouvelles", "dernières actualités", "à lire aussi", "lire aussi",
        "articles similaires", "les plus lus", "sur le même sujet", "voir plus",
        "lire la suite", "à la une", "vidéo", "à voir aussi", "retour en haut", "mots-clés",
        "dans la même rubrique", "les plus partagés",
        # de
        "neueste nachrichten", "aktuelle nachrichten", "mehr zum thema", "weitere artikel",
        "meistgelesen", "meistgelesene artikel", "das könnte sie auch interessieren",
        "weiterlesen", "mehr lesen", "nach oben", "themen", "schlagworte", "lesen sie auch",
        "auch interessant", "nachrichten", "zum thema",
        # pt
        "últimas notícias", "notícias relacionadas", "mais lidas", "leia mais", "veja também",
        "saiba mais", "leia também", "mais notícias", "voltar ao topo", "assuntos",
        # it
        "ultime notizie", "articoli correlati", "più letti", "leggi anche", "leggi di più",
        "potrebbe interessarti", "torna su", "argomenti",
        # nl
        "laatste nieuws", "meest gelezen", "gerelateerde artikelen", "lees meer", "lees ook",
        "meer nieuws", "bekijk ook", "zie ook", "terug naar boven", "onderwerpen",
    ),
    "share_widget": (
        "share", "share this", "share this article", "share this story", "share article",
        "tweet", "facebook", "twitter", "whatsapp", "linkedin", "pinterest", "reddit",
        "telegram", "email this", "print", "copy link", "copy", "link copied", "share via",
        "compartir", "compartir este artículo", "compartilhar", "compartilhe", "partager",
        "partager cet article", "teilen", "artikel teilen", "condividi", "delen", "imprimir",
        "imprimer", "drucken", "stampa", "afdrukken", "messenger", "envoyer", "enviar",
    ),
    "boilerplate": (
        "advertisement", "advertisement continue reading the main story",
        "continue reading the main story", "story continues below", "article continues below",
        "story continues below advertisement", "advertisement - continue reading below",
        "continue reading below", "media playback is unsupported on your device", "ad", "ads", "sponsored",
        "sponsored content",
        "publicidad", "publicidade", "publicité", "anzeige", "werbung", "pubblicità",
        "advertentie", "all rights reserved", "(c) all rights reserved",
        "todos los derechos reservados", "tous droits réservés", "alle rechte vorbehalten",
        "todos os direitos reservados", "tutti i diritti riservati", "alle rechten voorbehouden",
        "this content is not available", "loading", "cargando", "chargement", "wird geladen",
        "carregando", "caricamento",
    ),
    "photo_credit": (
        "photo", "photos", "image", "images", "picture", "foto", "fotos", "imagen", "imagem",
        "bild", "bilder", "immagine", "afbeelding", "gallery", "galería", "galerie",
        "photo gallery", "in pictures", "reuters", "afp", "ap", "epa", "getty images", "efe",
        "dpa", "ansa", "anp", "lusa", "xinhua", "ap photo", "reuters photo", "afp photo",
    ),
}

# The line starts with this phrase; only short lines are tested (see storyline.clean.rules).
PREFIX: dict[str, tuple[str, ...]] = {
    "comment_form": (
        "your email address will not be published", "your email will not be published",
        "required fields are marked", "save my name, email, and website",
        "you must be logged in to post a comment", "notify me of follow-up comments",
        "notify me of new posts", "this site uses akismet",
        "tu dirección de correo electrónico no será publicada",
        "tu correo electrónico no será publicado", "los campos obligatorios están marcados",
        "guarda mi nombre, correo electrónico y web",
        "votre adresse e-mail ne sera pas publiée", "votre adresse de messagerie ne sera pas publiée",
        "votre adresse email ne sera pas publiée", "les champs obligatoires sont indiqués",
        "enregistrer mon nom, mon e-mail et mon site",
        "deine e-mail-adresse wird nicht veröffentlicht",
        "ihre e-mail-adresse wird nicht veröffentlicht", "erforderliche felder sind mit",
        "meinen namen, meine e-mail-adresse und meine website",
        "o seu endereço de e-mail não será publicado", "seu endereço de e-mail não será publicado",
        "seu endereço de email não será publicado", "campos obrigatórios são marcados",
        "salvar meus dados neste navegador",
        "il tuo indirizzo email non sarà pubblicato", "i campi obbligatori sono contrassegnati",
        "salva il mio nome, email e sito web",
        "je e-mailadres wordt niet gepubliceerd", "uw e-mailadres wordt niet gepubliceerd",
        "vereiste velden zijn gemarkeerd met", "mijn naam, e-mail en site bewaren",
    ),
    "call_to_action": (
        "click here", "click to", "tap here", "subscribe to", "subscribe now", "subscribe for",
        "sign up for", "sign up to", "sign up now", "follow us on", "follow us", "like us on",
        "download our app", "download the app", "get our newsletter", "join our", "we pay for your stories",
        "do you have a story for", "support our journalism", "become a member",
        "to continue reading", "read the full story", "send your comments",
        "e-mail this page", "email this page", "printer-friendly", "print this page", "read the full article",
        "get the latest",
        "haz clic aquí", "haga clic aquí", "pincha aquí", "clic aquí", "suscríbete", "suscríbase",
        "síguenos en", "regístrate", "descarga la app", "descarga nuestra app", "únete a nuestro",
        "cliquez ici", "abonnez-vous", "inscrivez-vous", "suivez-nous", "téléchargez l'application",
        "téléchargez notre application", "rejoignez-nous",
        "klicken sie hier", "hier klicken", "jetzt abonnieren", "abonnieren sie",
        "folgen sie uns", "newsletter abonnieren", "laden sie die app", "jetzt registrieren",
        "hier geht's zum", "hier geht es zum", "hier geht's zur", "hier geht es zur",
        "clique aqui", "assine já", "assine a newsletter", "inscreva-se", "siga-nos", "baixe o app",
        "baixe o aplicativo", "cadastre-se",
        "clicca qui", "iscriviti", "abbonati", "seguici su", "scarica l'app",
        "klik hier", "abonneer je", "abonneer nu", "volg ons op", "schrijf je in",
        "download de app", "meld je aan",
    ),
    "share_widget": (
        "share this", "share on", "share via", "compartir en", "compartir por", "partager sur",
        "teilen auf", "teilen per", "compartilhar no", "compartilhe no", "condividi su", "delen op",
    ),
    "navigation": (
        "tags:", "topics:", "filed under", "etiquetas:", "temas:", "mots-clés:", "mots clés:",
        "schlagworte:", "themen:", "assuntos:", "tags relacionadas", "argomenti:", "onderwerpen:",
    ),
    "boilerplate": (
        "all rights reserved", "copyright ©", "media playback is unsupported", "copyright (c)", "© copyright",
        "we use cookies",
        "this site uses cookies", "this website uses cookies", "please enable javascript",
        "javascript is disabled", "please turn off your ad blocker", "utilizamos cookies",
        "este sitio utiliza cookies", "nous utilisons des cookies", "ce site utilise des cookies",
        "wir verwenden cookies", "diese website verwendet cookies", "utilizamos cookies",
        "este site utiliza cookies", "questo sito utilizza cookie", "wij gebruiken cookies",
        "deze website gebruikt cookies", "todos los derechos reservados", "tous droits réservés",
        "alle rechte vorbehalten", "todos os direitos reservados", "tutti i diritti riservati",
        "alle rechten voorbehouden",
    ),
}

# Words before a colon that announce a link to another story ("READ MORE: …", "LEE: …").
TEASER_LABELS: tuple[str, ...] = (
    "read more", "read also", "also read", "read", "see also", "also see", "related",
    "related story", "related article", "related coverage", "related content", "more",
    "more news", "watch", "video", "listen", "must read", "don't miss", "recommended",
    "trending", "top story", "read next", "next", "previous", "latest", "explore more",
    "lee", "lea", "lee también", "lea también", "lee más", "leer más", "mira", "mire", "ver",
    "ver también", "ve también", "te puede interesar", "te podría interesar",
    "puede interesarte", "también te puede interesar", "relacionado", "relacionada",
    "relacionados", "noticia relacionada", "más información", "no te pierdas", "vídeo", "escucha",
    "lire aussi", "à lire aussi", "lire également", "à lire également", "voir aussi",
    "à voir aussi", "à voir", "voir", "sur le même sujet", "regarder", "vidéo", "à lire",
    "lire la suite", "lesen sie auch", "lies auch", "auch interessant", "mehr zum thema",
    "siehe auch", "zum thema", "passend zum thema", "das könnte sie auch interessieren",
    "weiterlesen", "leia também", "leia mais", "veja também", "veja", "saiba mais", "assista",
    "relacionadas", "leggi anche", "leggi", "vedi anche", "guarda", "potrebbe interessarti",
    "lees ook", "lees meer", "bekijk ook", "zie ook", "kijk", "bekijk",
)

# Labels that say "go and click": their teasers are calls to action, not links to stories.
ACTION_LABELS: tuple[str, ...] = (
    "click here", "click", "tap here", "haz clic aquí", "haga clic aquí", "clic aquí",
    "pincha aquí", "cliquez ici", "klicken sie hier", "hier klicken", "clique aqui",
    "clicca qui", "klik hier", "subscribe", "suscríbete", "abonnez-vous", "abonnieren",
    "assine", "iscriviti", "abonneer",
)

# Words that may sit in a line made only of share buttons ("Share | Tweet | Email").
SHARE_TOKENS: frozenset[str] = frozenset(
    ["share", "shares", "tweet", "facebook", "twitter", "x", "whatsapp", "linkedin", "pinterest", "reddit",
     "telegram", "email", "e-mail", "mail", "print", "copy", "link", "messenger", "flipboard", "compartir",
     "compartilhar", "partager", "teilen", "condividi", "delen", "imprimir", "imprimer", "drucken", "stampa",
     "afdrukken", "enviar", "envoyer", "sms"]
)
