import type { OptionField } from './OptionSection';

// one-api's option keys (model/option.go), grouped as its Settings tabs group them.
const bool = (key: string, label: string): OptionField => ({ key, label, kind: 'bool' });
const text = (key: string, label: string, help?: string): OptionField => ({ key, label, kind: 'text', help });
const num = (key: string, label: string, help?: string): OptionField => ({ key, label, kind: 'number', help });
const secret = (key: string, label: string): OptionField => ({ key, label, kind: 'secret', help: 'Stored, never shown; leave empty to keep' });
const json = (key: string, label: string, help?: string): OptionField => ({ key, label, kind: 'json', help });
const long = (key: string, label: string, help?: string): OptionField => ({ key, label, kind: 'long', help });

export const operationSections: { title: string; fields: OptionField[] }[] = [
  {
    title: 'Quota',
    fields: [
      num('QuotaForNewUser', 'Quota for new users'),
      num('PreConsumedQuota', 'Pre-consumed quota'),
      num('QuotaForInviter', 'Quota for the inviter'),
      num('QuotaForInvitee', 'Quota for the invitee'),
      num('QuotaRemindThreshold', 'Quota reminder threshold'),
      num('QuotaPerUnit', 'Quota per dollar'),
      text('TopUpLink', 'Top-up link'),
      text('ChatLink', 'Chat link'),
    ],
  },
  {
    title: 'Ratios',
    fields: [
      json('ModelRatio', 'Model ratio (JSON)', 'Model name → price ratio; 1 = $0.002 per 1K tokens'),
      json('CompletionRatio', 'Completion ratio (JSON)', 'Model name → completion-to-prompt price ratio'),
      json('GroupRatio', 'Group ratio (JSON)', 'Group name → multiplier; its keys are the groups'),
    ],
  },
  {
    title: 'Channels and retries',
    fields: [
      num('RetryTimes', 'Retry times'),
      num('ChannelDisableThreshold', 'Disable threshold (seconds)'),
      bool('AutomaticDisableChannelEnabled', 'Disable failing channels'),
      bool('AutomaticEnableChannelEnabled', 'Re-enable channels that pass a test'),
    ],
  },
  {
    title: 'Display and logging',
    fields: [
      bool('DisplayInCurrencyEnabled', 'Show quota in dollars'),
      bool('DisplayTokenStatEnabled', 'Show token statistics'),
      bool('ApproximateTokenEnabled', 'Approximate token counts'),
      bool('LogConsumeEnabled', 'Log consumption'),
    ],
  },
];

export const systemSections: { title: string; fields: OptionField[] }[] = [
  { title: 'General', fields: [text('ServerAddress', 'Server address', 'Used in mails and OAuth callbacks')] },
  {
    title: 'Login and registration',
    fields: [
      bool('PasswordLoginEnabled', 'Password login'),
      bool('PasswordRegisterEnabled', 'Password registration'),
      bool('RegisterEnabled', 'Registration'),
      bool('EmailVerificationEnabled', 'Email verification on registration'),
      bool('GitHubOAuthEnabled', 'GitHub login'),
      bool('OidcEnabled', 'OIDC login'),
      bool('WeChatAuthEnabled', 'WeChat login'),
      bool('TurnstileCheckEnabled', 'Turnstile check'),
      bool('EmailDomainRestrictionEnabled', 'Restrict email domains'),
      text('EmailDomainWhitelist', 'Allowed email domains', 'Comma-separated'),
    ],
  },
  {
    title: 'SMTP',
    fields: [text('SMTPServer', 'SMTP server'), num('SMTPPort', 'SMTP port'), text('SMTPAccount', 'SMTP account'), text('SMTPFrom', 'Sender address'), secret('SMTPToken', 'SMTP password')],
  },
  { title: 'GitHub OAuth', fields: [text('GitHubClientId', 'Client ID'), secret('GitHubClientSecret', 'Client secret')] },
  {
    title: 'OIDC',
    fields: [
      text('OidcClientId', 'Client ID'),
      secret('OidcClientSecret', 'Client secret'),
      text('OidcWellKnown', 'Well-known URL'),
      text('OidcAuthorizationEndpoint', 'Authorization endpoint'),
      text('OidcTokenEndpoint', 'Token endpoint'),
      text('OidcUserinfoEndpoint', 'Userinfo endpoint'),
    ],
  },
  { title: 'Lark', fields: [text('LarkClientId', 'App ID'), secret('LarkClientSecret', 'App secret')] },
  {
    title: 'WeChat',
    fields: [text('WeChatServerAddress', 'WeChat server address'), secret('WeChatServerToken', 'WeChat server token'), text('WeChatAccountQRCodeImageURL', 'QR code image URL')],
  },
  { title: 'Turnstile', fields: [text('TurnstileSiteKey', 'Site key'), secret('TurnstileSecretKey', 'Secret key')] },
  { title: 'Message pusher', fields: [text('MessagePusherAddress', 'Pusher address'), secret('MessagePusherToken', 'Pusher token')] },
];

export const otherSections: { title: string; fields: OptionField[] }[] = [
  {
    title: 'Content',
    fields: [
      text('SystemName', 'System name'),
      text('Logo', 'Logo URL'),
      long('Notice', 'Notice', 'Markdown, shown on the home page'),
      long('HomePageContent', 'Home page content', 'Markdown or HTML, or a URL to show in a frame'),
      long('About', 'About', 'Markdown or HTML, or a URL to show in a frame'),
      long('Footer', 'Footer', 'HTML'),
      text('Theme', 'Theme'),
    ],
  },
];
