// Shapes of the server's answers (src/OneApi.Server/Admin/Views.cs and the endpoint records), snake_case on the wire.

export const Roles = { Guest: 0, Common: 1, Admin: 10, Root: 100 } as const;

export interface Status {
  version: string;
  start_time: number;
  system_name: string;
  logo: string;
  footer_html: string;
  email_verification: boolean;
  github_oauth: boolean;
  github_client_id: string;
  lark_client_id: string;
  oidc: boolean;
  oidc_client_id: string;
  oidc_authorization_endpoint: string;
  wechat_login: boolean;
  wechat_qrcode: string;
  server_address: string;
  turnstile_check: boolean;
  turnstile_site_key: string;
  top_up_link: string;
  chat_link: string;
  quota_per_unit: number;
  display_in_currency: boolean;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  email: string;
  github_id: string;
  wechat_id: string;
  lark_id: string;
  oidc_id: string;
  quota: number;
  used_quota: number;
  request_count: number;
  group: string;
  aff_code: string | null;
  inviter_id: number;
}

export interface Token {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  created_time: number;
  accessed_time: number;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  used_quota: number;
  models: string | null;
  subnet: string | null;
}

export interface Channel {
  id: number;
  type: number;
  status: number;
  name: string;
  weight: number | null;
  created_time: number;
  test_time: number;
  response_time: number;
  base_url: string | null;
  other: string | null;
  balance: number;
  balance_updated_time: number;
  models: string;
  group: string;
  used_quota: number;
  model_mapping: string | null;
  priority: number | null;
  config: string;
  system_prompt: string | null;
}

export interface ChannelType {
  id: number;
  name: string;
  default_base_url: string;
  /** What the key box takes, where the server's catalogue says. */
  key_format?: string;
  /** False: channels of this type are stored but not relayed yet. */
  relayed?: boolean;
}

export interface Log {
  id: number;
  user_id: number;
  created_at: number;
  type: number;
  content: string;
  username: string;
  token_name: string;
  model_name: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  channel: number;
  request_id: string;
  elapsed_time: number;
  is_stream: boolean;
}

export interface Redemption {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  quota: number;
  created_time: number;
  redeemed_time: number;
}

/** A row of /api/user/dashboard: one day and model of the last seven days (Go field names, as one-api sends them). */
export interface DashboardRow {
  Day: string;
  ModelName: string;
  RequestCount: number;
  Quota: number;
  PromptTokens: number;
  CompletionTokens: number;
}

export interface Option {
  key: string;
  value: string;
}
