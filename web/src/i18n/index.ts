import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import zh from './zh';

// English texts are the keys themselves, so only Chinese needs a table; a missing entry falls back to English.
export const languages = [
  { code: 'en', label: 'English' },
  { code: 'zh', label: '中文' },
] as const;

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { zh: { translation: zh } },
    fallbackLng: 'en',
    supportedLngs: ['en', 'zh'],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: 'oneapi-language', caches: ['localStorage'] },
  });

export const isChinese = (language: string) => language.startsWith('zh');

export default i18n;
