"""Month names as dates are written in the languages news is published in, kept as data.

One row a language: twelve slots, January first; a slot lists the spellings of its month
separated by "/" (the forms a date takes: Polish "października", Czech "října", Finnish
"lokakuuta", and the usual abbreviations), "-" where a language's name is left out. Names
are lowercased; ``dates`` also looks a word up without its accents and vowel signs, so
"fevrier", "EKİM" and "ابريل" need no row of their own. Left out on purpose:

- Croatian "listopada" (October), which is Polish and Czech for November; the other
  Croatian months are unambiguous;
- names of two words (Levantine Arabic "كانون الثاني", "تشرين الأول"): a date's month is
  matched as one word;
- names of fewer than three letters (Hindi "मई", Bengali "মে", Arabic "آب"): two letters
  match too much running text;
- Thai, whose dates count years from 543 BC, and the Persian and Hebrew calendars' own
  months (their Gregorian names are here).

The languages are those of the dev sets (German, English, Spanish, French, Polish, ...)
and of the unseen sets the extraction is measured on: news of some forty countries.
"""

from __future__ import annotations

__all__ = ["MONTH_NAMES"]

MONTH_NAMES: dict[str, str] = {
    "en": "january/jan february/feb march/mar april/apr may june/jun july/jul august/aug "
          "september/sept/sep october/oct november/nov december/dec",
    "de": "januar/jän/jänner februar/feb märz/maerz/mrz/mär april mai juni juli august "
          "september oktober/okt november dezember/dez",
    "fr": "janvier/janv février/févr mars avril/avr mai juin juillet/juil août septembre "
          "octobre novembre décembre/déc",
    "es": "enero/ene febrero marzo abril/abr mayo junio julio agosto/ago "
          "septiembre/setiembre octubre noviembre diciembre/dic",
    "it": "gennaio/gen febbraio marzo aprile maggio/mag giugno/giu luglio/lug agosto "
          "settembre/set ottobre/ott novembre dicembre",
    "pt": "janeiro fevereiro/fev março abril maio junho julho agosto setembro outubro/out "
          "novembro dezembro/dez",
    "ca": "gener febrer març abril maig juny juliol agost setembre octubre novembre desembre",
    "gl": "xaneiro febreiro marzo abril maio xuño xullo agosto setembro outubro novembro "
          "decembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
          "december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november "
          "december",
    "da": "januar februar marts april maj juni juli august september oktober november "
          "december",
    "fi": "tammikuuta/tammikuu helmikuuta/helmikuu maaliskuuta/maaliskuu huhtikuuta/huhtikuu "
          "toukokuuta/toukokuu kesäkuuta/kesäkuu heinäkuuta/heinäkuu elokuuta/elokuu "
          "syyskuuta/syyskuu lokakuuta/lokakuu marraskuuta/marraskuu joulukuuta/joulukuu",
    "et": "jaanuar veebruar märts aprill mai juuni juuli august september oktoober november "
          "detsember",
    "lt": "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio "
          "lapkričio gruodžio",
    "pl": "stycznia/styczeń lutego/luty marca/marzec kwietnia/kwiecień maja/maj "
          "czerwca/czerwiec lipca/lipiec sierpnia/sierpień września/wrzesień "
          "października/październik listopada/listopad grudnia/grudzień",
    "cs": "ledna/leden února/únor března/březen dubna/duben května/květen června/červen "
          "července/červenec srpna/srpen září října/říjen listopadu prosince/prosinec",
    "sk": "januára februára marca apríla mája júna júla augusta septembra októbra novembra "
          "decembra",
    "sl": "januar februar marec april maj junij julij avgust september oktober november "
          "december",
    "hr": "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna - "
          "studenoga/studenog prosinca",
    "sr-latn": "januar februar mart april maj jun jul avgust septembar oktobar novembar "
               "decembar",
    "sr": "јануар фебруар март април мај јун јул август септембар октобар новембар децембар",
    "hu": "január február/febr március/márc április/ápr május/máj június/jún július/júl "
          "augusztus szeptember/szept október november december",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie "
          "noiembrie decembrie",
    "el": "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου "
          "σεπτεμβρίου οκτωβρίου νοεμβρίου δεκεμβρίου",
    "ru": "января/январь февраля/февраль марта/март апреля/апрель мая/май июня/июнь "
          "июля/июль августа/август сентября/сентябрь октября/октябрь ноября/ноябрь "
          "декабря/декабрь",
    "uk": "січня/січень лютого/лютий березня/березень квітня/квітень травня/травень "
          "червня/червень липня/липень серпня/серпень вересня/вересень жовтня/жовтень "
          "листопада/листопад грудня/грудень",
    "bg": "януари февруари март април май юни юли август септември октомври ноември "
          "декември",
    "tr": "ocak şubat mart nisan mayıs/mayis haziran temmuz ağustos eylül ekim kasım/kasim "
          "aralık/aralik",
    "id": "januari februari maret april mei juni juli agustus september oktober november "
          "desember",
    "ms": "januari februari mac april mei jun julai ogos september oktober november disember",
    "tl": "enero pebrero marso abril mayo hunyo hulyo agosto setyembre oktubre nobyembre "
          "disyembre",
    "sw": "januari februari machi aprili mei juni julai agosti septemba oktoba novemba "
          "desemba",
    "ar": "يناير فبراير مارس أبريل/إبريل مايو يونيو/يونيه يوليو/يوليه أغسطس سبتمبر أكتوبر "
          "نوفمبر ديسمبر",
    "ar-levant": "- شباط آذار نيسان أيار حزيران تموز - أيلول - - -",
    "fa": "ژانویه فوریه مارس آوریل - ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر",
    "ur": "جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر",
    "he": "ינואר/בינואר פברואר/בפברואר מרץ/במרץ אפריל/באפריל מאי/במאי יוני/ביוני "
          "יולי/ביולי אוגוסט/באוגוסט ספטמבר/בספטמבר אוקטובר/באוקטובר נובמבר/בנובמבר "
          "דצמבר/בדצמבר",
    "hi": "जनवरी फ़रवरी/फरवरी मार्च अप्रैल - जून जुलाई अगस्त सितंबर/सितम्बर अक्टूबर "
          "नवंबर/नवम्बर दिसंबर/दिसम्बर",
    "mr": "जानेवारी फेब्रुवारी मार्च एप्रिल - जून जुलै ऑगस्ट सप्टेंबर ऑक्टोबर नोव्हेंबर डिसेंबर",
    "bn": "জানুয়ারি/জানুয়ারী ফেব্রুয়ারি/ফেব্রুয়ারী মার্চ এপ্রিল - জুন জুলাই আগস্ট/আগষ্ট "
          "সেপ্টেম্বর অক্টোবর নভেম্বর ডিসেম্বর",
    "ta": "ஜனவரி பிப்ரவரி மார்ச் ஏப்ரல் - ஜூன் ஜூலை ஆகஸ்ட் செப்டம்பர் அக்டோபர் நவம்பர் "
          "டிசம்பர்",
}
