import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { useStatus } from '../session';

/** one-api's Chat page: the operator's ChatLink in a frame. */
export default function ChatPage() {
  const { t } = useTranslation();
  const status = useStatus();
  if (!status?.chat_link) return <Alert type="info" title={t('No chat link is set (Settings → Operation → ChatLink).')} />;
  return <iframe src={status.chat_link} title={t('Chat')} style={{ width: '100%', height: '85vh', border: 0 }} />;
}
