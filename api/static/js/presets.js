// Style and theme presets (values the local creative engine understands) and example wishes.
import { lang } from "./i18n.js";

export const STYLES = [
  { value: "watercolor", en: "Watercolour", zh: "水彩" },
  { value: "ink", en: "Chinese ink wash", zh: "水墨国风" },
  { value: "papercut", en: "Paper-cut", zh: "剪纸" },
  { value: "flat", en: "Flat illustration", zh: "扁平插画" },
  { value: "minimal", en: "Minimal", zh: "简约" },
  { value: "retro", en: "Retro print", zh: "复古版画" },
];

export const THEMES = [
  { value: "birthday", en: "Birthday", zh: "生日" },
  { value: "thanks", en: "Thank you", zh: "感谢" },
  { value: "love", en: "Love", zh: "爱情" },
  { value: "wedding", en: "Wedding", zh: "新婚" },
  { value: "spring_festival", en: "Spring Festival", zh: "春节" },
  { value: "mid_autumn", en: "Mid-Autumn Festival", zh: "中秋" },
  { value: "christmas", en: "Christmas", zh: "圣诞" },
  { value: "graduation", en: "Graduation", zh: "毕业" },
  { value: "get_well", en: "Get well soon", zh: "早日康复" },
  { value: "travel", en: "Greetings from a trip", zh: "旅行问候" },
  { value: "sympathy", en: "Sympathy", zh: "慰问" },
];

export const EXAMPLES = [
  { lang: "zh", text: "做一张温馨可爱的生日明信片，送给喜欢猫的妹妹", style: "flat", theme: "birthday" },
  { lang: "zh", text: "中秋节给远方的爸妈寄一张水墨风的明信片", style: "ink", theme: "mid_autumn" },
  { lang: "zh", text: "春节祝福：红色剪纸风，祝全家新年快乐", style: "papercut", theme: "spring_festival" },
  { lang: "en", text: "A calm thank-you card for my team after a long launch", style: "minimal", theme: "thanks" },
  { lang: "en", text: "Happy birthday to Grandma Rose, soft watercolour flowers", style: "watercolor", theme: "birthday" },
  { lang: "en", text: "Greetings from Kyoto: autumn leaves and a quiet temple", style: "retro", theme: "travel" },
];

/** Fill a <select> with "let the studio choose" and the presets, keeping the chosen value. */
export function fillSelect(select, presets, anyLabel) {
  const chosen = select.value;
  select.replaceChildren(new Option(anyLabel, ""));
  for (const preset of presets) select.append(new Option(preset[lang()], preset.value));
  select.value = chosen;
}
