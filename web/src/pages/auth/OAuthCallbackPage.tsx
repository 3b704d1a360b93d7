import { useEffect, useRef, useState } from 'react';
import { Alert, Spin } from 'antd';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { api, type ApiPath } from '../../api/client';
import type { User } from '../../api/types';

const routes: Record<string, ApiPath> = { github: '/api/oauth/github', oidc: '/api/oauth/oidc', lark: '/api/oauth/lark' };

/** Where a provider sends the browser back: hands code and state to the server, which logs in or binds. */
export default function OAuthCallbackPage() {
  const { provider = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const once = useRef(false);

  useEffect(() => {
    if (once.current) return;
    once.current = true;
    const route = routes[provider];
    if (!route) return setError(t('Unknown provider'));
    const bound = client.getQueryData<User | null>(['self']);
    api('get', route, { query: { code: params.get('code'), state: params.get('state') } })
      .then(async (answer) => {
        if (typeof answer === 'object' && answer) client.setQueryData(['self'], answer);
        await client.invalidateQueries({ queryKey: ['self'] });
        navigate(bound ? '/setting' : '/dashboard', { replace: true });
      })
      .catch((e: Error) => setError(e.message));
  }, [provider, params, navigate, client, t]);

  return error ? <Alert type="error" role="alert" title={error} /> : <Spin />;
}
