/**
 * What the mAI fork of Open WebUI hard-codes in its Usage Settings endpoints, in one place: the
 * usage quick queries (usageQueries.ts) read these facts and never repeat them.
 *
 * Source: the fork's backend, as published in the open-webui/open-webui repository history:
 * - backend/open_webui/models/organization_usage/client_usage_repository.py,
 *   ClientUsageRepository.get_usage_by_model: `all_models`, "ALL 12 available models (matching
 *   frontend fallbackPricingData)"; the endpoint lists exactly these, in this order, before its
 *   stable sort by markup_cost, and drops usage of every other model;
 * - backend/open_webui/usage_tracking/repositories/client_repository.py,
 *   ClientRepository.get_environment_client_id: no active organization → "env_client_" + the first
 *   8 hex digits of MD5(ORGANIZATION_NAME), or "env_client_default" when that setting is empty;
 * - backend/open_webui/usage_tracking/services/billing_service.py,
 *   BillingService.get_user_usage_breakdown: a user with usage and no `user` row is named by its id,
 *   with the e-mail "unknown@example.com".
 * When the fork changes its list, change it here (and the tests that name it).
 */

export interface ForkModel {
  /** The OpenRouter model id, as stored in client_model_daily_usage.model_name. */
  id: string;
  /** What the endpoint reports as provider for a model without usage in the range. */
  provider: string;
}

export const maiFork = {
  supportedModels: [
    { id: 'anthropic/claude-sonnet-4', provider: 'Anthropic' },
    { id: 'google/gemini-2.5-flash', provider: 'Google' },
    { id: 'google/gemini-2.5-pro', provider: 'Google' },
    { id: 'deepseek/deepseek-chat-v3-0324', provider: 'DeepSeek' },
    { id: 'anthropic/claude-3.7-sonnet', provider: 'Anthropic' },
    { id: 'google/gemini-2.5-flash-lite-preview-06-17', provider: 'Google' },
    { id: 'openai/gpt-4.1', provider: 'OpenAI' },
    { id: 'x-ai/grok-4', provider: 'xAI' },
    { id: 'openai/gpt-4o-mini', provider: 'OpenAI' },
    { id: 'openai/o4-mini-high', provider: 'OpenAI' },
    { id: 'openai/o3', provider: 'OpenAI' },
    { id: 'openai/chatgpt-4o-latest', provider: 'OpenAI' },
  ] as readonly ForkModel[],
  /** The organization id the endpoints use when client_organizations has no active row and ORGANIZATION_NAME is empty. */
  fallbackOrgId: 'env_client_default',
  /** How the fallback is derived when the container sets ORGANIZATION_NAME (shown to people, not computed: SQLite has no MD5). */
  fallbackOrgRule: "'env_client_' + the first 8 hex digits of MD5(ORGANIZATION_NAME)",
  /** The e-mail the by-user endpoint shows for a user id that has usage but no `user` row. */
  unknownUserEmail: 'unknown@example.com',
} as const;
