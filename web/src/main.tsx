import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider, theme as antdTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import './i18n';
import App from './App';
import { isChinese } from './i18n';
import { ThemeProvider, useTheme } from './prefs';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

/** antd follows the chosen language and theme. */
function Themed({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const { theme } = useTheme();
  const chinese = isChinese(i18n.resolvedLanguage ?? 'en');
  document.documentElement.lang = chinese ? 'zh-CN' : 'en';
  return (
    <ConfigProvider
      locale={chinese ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      theme={{ algorithm: theme === 'dark' ? antdTheme.darkAlgorithm : antdTheme.defaultAlgorithm }}
    >
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <Themed>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </Themed>
      </ThemeProvider>
    </QueryClientProvider>
  </StrictMode>,
);
