"""Which language a text is in (py3langid), and names for language codes.

Detection ignores fenced code, inline code and URLs: they are not the language
the person wrote in and skew the n-gram counts towards English.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata

UNDETERMINED = "und"

# English display names for every label py3langid can return, plus "und".
NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "fy": "Western Frisian", "ga": "Irish",
    "gd": "Scottish Gaelic", "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "ig": "Igbo", "is": "Icelandic", "it": "Italian", "ja": "Japanese",
    "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada",
    "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lg": "Ganda", "ln": "Lingala",
    "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "my": "Burmese",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "om": "Oromo", "or": "Odia",
    "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua",
    "ro": "Romanian", "ru": "Russian", "sa": "Sanskrit", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "vi": "Vietnamese", "xh": "Xhosa", "yo": "Yoruba", "zh": "Chinese", "zu": "Zulu",
    "zxx": "No linguistic content", "ace": "Acehnese", "bcl": "Central Bikol", "dz": "Dzongkha",
    "ext": "Extremaduran", "gcf": "Guadeloupean Creole", "gom": "Konkani", "grc": "Ancient Greek",
    "gug": "Paraguayan Guarani", "hbo": "Ancient Hebrew", "kik": "Kikuyu", "nso": "Northern Sotho",
    "pcm": "Nigerian Pidgin", "rw": "Kinyarwanda", "se": "Northern Sami", "sn": "Shona",
    "st": "Southern Sotho", "an": "Aragonese", "ary": "Moroccan Arabic", "crh": "Crimean Tatar",
    "fo": "Faroese", "fuv": "Nigerian Fulfulde", "gcr": "Guianese Creole", "guw": "Gun",
    "kab": "Kabyle", "lb": "Luxembourgish", "lij": "Ligurian", "ltg": "Latgalian",
    "uzs": "Southern Uzbek", "wa": "Walloon", "sdh": "Southern Kurdish", "arz": "Egyptian Arabic",
    "ba": "Bashkir", "mt": "Maltese", "nn": "Norwegian Nynorsk", "oc": "Occitan", "tg": "Tajik",
    "tk": "Turkmen", "tt": "Tatar", "vec": "Venetian", "vo": "Volapük", "wuu": "Wu Chinese",
    "yue": "Cantonese",
    UNDETERMINED: "Unknown language",
}

# What the model is told to write: "Chinese" alone lets it drift into Traditional or pinyin.
_PROMPT_NAMES = {"zh": "Simplified Chinese", "yue": "Cantonese (Traditional Chinese characters)"}

# Names people type for a target language, besides the codes and English names above.
_ALIASES = {
    "中文": "zh", "汉语": "zh", "漢語": "zh", "简体中文": "zh", "chinese (simplified)": "zh",
    "simplified chinese": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh_cn": "zh", "mandarin": "zh",
    "英文": "en", "英语": "en", "日文": "ja", "日语": "ja", "日本語": "ja", "法语": "fr", "德语": "de",
    "français": "fr", "deutsch": "de", "español": "es", "한국어": "ko", "русский": "ru",
    "farsi": "fa", "português": "pt", "italiano": "it",
}

# Text without letters (numbers, code, punctuation) gives py3langid nothing to go on.
_MIN_CONFIDENCE = 0.3

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_NOISE = re.compile(r"`[^`\n]*`|https?://\S+|\S+@\S+\.\w+")


@dataclasses.dataclass(frozen=True)
class Language:
    code: str
    name: str
    confidence: float = 1.0

    @property
    def prompt_name(self) -> str:
        """The name to put in a prompt, precise about script where it matters."""
        return _PROMPT_NAMES.get(self.code, self.name)

    @property
    def known(self) -> bool:
        return self.code not in (UNDETERMINED, "zxx")


def language_name(code: str) -> str:
    return NAMES.get(code, code)


@functools.cache
def _identifier():  # loading the model takes ~0.3 s, so once per process
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def detect_language(text: str) -> Language:
    """The language of ``text`` as a code and an English display name.

    Returns ``und`` ("Unknown language") when there is no prose to judge."""
    prose = _NOISE.sub(" ", _FENCE.sub(" ", text))
    if not _has_letters(prose):
        return Language(UNDETERMINED, NAMES[UNDETERMINED], 0.0)
    code, confidence = _identifier().classify(prose)
    if confidence < _MIN_CONFIDENCE and len(prose.strip()) < 12:
        return Language(UNDETERMINED, NAMES[UNDETERMINED], confidence)
    # Chinese, Japanese and Korean are told apart by script more reliably than by
    # n-grams on short strings: kana means Japanese, hangul means Korean.
    code = _script_override(prose, code) or code
    return Language(code, language_name(code), float(confidence))


def _script_override(text: str, detected: str) -> str | None:
    kana = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff")
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7af")
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha()) or 1
    if kana and kana >= 0.1 * letters:
        return "ja"
    if hangul and hangul >= 0.3 * letters:
        return "ko"
    if han >= 0.5 * letters and detected not in ("zh", "yue", "wuu", "ja"):
        return "zh"
    return None


def resolve_language(value: str) -> Language:
    """A target language from what a person typed: a code, an English name, or a common alias.

    Raises ValueError naming the value when it is not a language we know."""
    key = value.strip().lower()
    if key in NAMES and key not in (UNDETERMINED, "zxx"):
        return Language(key, NAMES[key])
    if key in _ALIASES:
        code = _ALIASES[key]
        return Language(code, NAMES[code])
    by_name = {name.lower(): code for code, name in NAMES.items() if code not in (UNDETERMINED, "zxx")}
    if key in by_name:
        return Language(by_name[key], NAMES[by_name[key]])
    base = re.split(r"[-_]", key)[0]  # "pt-BR", "en_US"
    if base in NAMES and base not in (UNDETERMINED, "zxx"):
        return Language(base, NAMES[base])
    raise ValueError(
        f"'{value}' is not a language Deskmate knows. "
        "Use a code such as en, zh, fr, de, ja or an English name such as Spanish."
    )
