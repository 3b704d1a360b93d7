import { useState } from 'react';
import { App, Button, Divider, Image, Input, Modal, Space } from 'antd';
import { GithubOutlined, LoginOutlined, WechatOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Status } from '../../api/types';

async function go(provider: 'github' | 'oidc' | 'lark', status: Status) {
  const state = await api('get', '/api/oauth/state');
  const back = (name: string) => encodeURIComponent(`${status.server_address || window.location.origin}/oauth/${name}`);
  const urls = {
    github: `https://github.com/login/oauth/authorize?client_id=${status.github_client_id}&state=${state}&scope=user:email`,
    oidc: `${status.oidc_authorization_endpoint}?client_id=${status.oidc_client_id}&redirect_uri=${back('oidc')}&response_type=code&scope=openid+profile+email&state=${state}`,
    lark: `https://open.feishu.cn/open-apis/authen/v1/index?redirect_uri=${back('lark')}&app_id=${status.lark_client_id}&state=${state}`,
  };
  window.location.href = urls[provider];
}

/** The sign-in buttons of the OAuth providers that /api/status enables (also used to bind them in Settings). */
export default function OAuthButtons({ status, bind = false }: { status: Status; bind?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [wechatOpen, setWechatOpen] = useState(false);
  const [code, setCode] = useState('');
  const any = status.github_oauth || status.oidc || !!status.lark_client_id || status.wechat_login;
  if (!any) return null;

  async function wechat() {
    try {
      if (bind) await api('get', '/api/oauth/wechat/bind', { query: { code } });
      else client.setQueryData(['self'], await api('get', '/api/oauth/wechat', { query: { code } }));
      setWechatOpen(false);
      if (!bind) navigate('/dashboard');
      else await client.invalidateQueries({ queryKey: ['self'] });
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <>
      {!bind && <Divider plain>{t('or')}</Divider>}
      <Space wrap>
        {status.github_oauth && <Button icon={<GithubOutlined />} onClick={() => void go('github', status)}>GitHub</Button>}
        {status.oidc && <Button icon={<LoginOutlined />} onClick={() => void go('oidc', status)}>OIDC</Button>}
        {status.lark_client_id && <Button onClick={() => void go('lark', status)}>{t('Lark')}</Button>}
        {status.wechat_login && <Button icon={<WechatOutlined />} onClick={() => setWechatOpen(true)}>{t('WeChat')}</Button>}
      </Space>
      <Modal open={wechatOpen} title={t('WeChat')} onCancel={() => setWechatOpen(false)} onOk={() => void wechat()}>
        {status.wechat_qrcode && <Image src={status.wechat_qrcode} alt="" width={200} preview={false} />}
        <p>{t('Scan the code, send "验证码" to the account, and enter the code it answers.')}</p>
        <Input aria-label={t('Verification code')} value={code} onChange={(e) => setCode(e.target.value)} />
      </Modal>
    </>
  );
}
