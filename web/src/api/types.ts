import type { Schema } from './client';

// The shapes of the server's answers, generated from its OpenAPI document (./schema.d.ts); snake_case on the wire.

export const Roles = { Guest: 0, Common: 1, Admin: 10, Root: 100 } as const;

export type Status = Schema<'StatusView'>;
export type User = Schema<'UserView'>;
export type Token = Schema<'Token'>;
export type Channel = Schema<'ChannelView'>;
export type ChannelType = Schema<'ChannelTypeView'>;
export type ChannelField = Schema<'ChannelField'>;
export type ChannelHealth = Schema<'ChannelHealthView'>;
export type Log = Schema<'LogView'>;
export type Redemption = Schema<'Redemption'>;
/** A row of /api/user/dashboard: one day and model of the last seven days (Go field names, as one-api sends them). */
export type DashboardRow = Schema<'DashboardRow'>;
export type Option = Schema<'OptionItem'>;
export type Pricing = Schema<'PricingView'>;
export type ModelPrice = Schema<'ModelPrice'>;
