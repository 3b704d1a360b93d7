import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Space, Spin, Tabs } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Roles } from '../../api/types';
import { PageTitle, useAction } from '../../components/common';
import { useSession } from '../../session';
import OptionSection from './OptionSection';
import PersonalSettings from './PersonalSettings';
import { operationSections, otherSections, systemSections } from './optionFields';

function LogCleanup() {
  const { t } = useTranslation();
  const run = useAction();
  const [before, setBefore] = useState<Dayjs | null>(null);
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('Log cleanup')}</h2>}>
      <Space wrap>
        <DatePicker showTime value={before} onChange={setBefore} aria-label={t('Delete logs before')} />
        <Button
          danger
          disabled={!before}
          onClick={() => void run(() => api('delete', '/api/log', { query: { target_timestamp: before!.unix() } }), (n) => t('{{count}} logs deleted', { count: n }))}
        >
          {t('Delete older logs')}
        </Button>
      </Space>
    </Card>
  );
}

/** Sections of root's options; every tab reads the same cached option list. */
function OptionTab({ sections, children }: { sections: typeof operationSections; children?: ReactNode }) {
  const { t } = useTranslation();
  const options = useQuery({ queryKey: ['options'], queryFn: () => api('get', '/api/option') });
  if (options.isPending) return <Spin />;
  const values = Object.fromEntries((options.data ?? []).map((o) => [o.key, o.value]));
  return (
    <>
      {sections.map((s) => <OptionSection key={s.title} title={t(s.title)} fields={s.fields} values={values} />)}
      {children}
    </>
  );
}

export default function SettingsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const rootTabs =
    user?.role === Roles.Root
      ? [
          { key: 'operation', label: t('Operation'), children: <OptionTab sections={operationSections}><LogCleanup /></OptionTab> },
          { key: 'system', label: t('System'), children: <OptionTab sections={systemSections} /> },
          { key: 'other', label: t('Other'), children: <OptionTab sections={otherSections} /> },
        ]
      : [];
  return (
    <>
      <PageTitle>{t('Settings')}</PageTitle>
      <Tabs items={[{ key: 'personal', label: t('Personal'), children: <PersonalSettings /> }, ...rootTabs]} />
    </>
  );
}
