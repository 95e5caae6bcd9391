/**
 * The public scenario API: what `import { … } from 'volley'` gives a scenario.
 * It imports nothing from the engine; the worker runtime plugs into it.
 */
export { User, HttpUser } from './user.js';
export { task, tag, type TaskSpec, type TaskFunction } from './task.js';
export { TaskSet, SequentialTaskSet, InterruptTaskSet } from './taskset.js';
export { between, constant, constantPacing, constantThroughput, type WaitTime, type WaitContext } from './wait.js';
export { check, recordRequest, measure, trend, counter } from './measure.js';
export { defineConfig, type Options, type Duration, type ThresholdSpec, type Rate, type Stage, type ScenarioOptions } from './options.js';
export { LoadShape, type ShapeTick } from './shape.js';
export type { HttpClient, HttpResponse, RequestOptions, ResponseTimings, CustomRequest } from './types.js';
export { StopUser } from '../errors.js';
export { LLMUser, LlmRequestError, type LlmClient, type LlmResult, type ChatOptions, type CompletionOptions, type EmbeddingsOptions, type EmbeddingsResult, type RerankOptions, type RerankResult, type ChatMessage, type ContentPart, type LlmProvider, type LlmErrorKind, type LlmRequestOptions, type ResponsesOptions, type ToolCall, type Conversation, type ConversationOptions } from './llm.js';
export type { ImagesOptions, ImagesResult, SpeechOptions, SpeechResult, TranscriptionOptions, TranscriptionResult } from './media.js';
export { open, scenarioDir } from './files.js';
export { registerProvider, providerNames, type ProviderDefinition, type ProviderSettings, type ProviderInput, type ProviderRequest, type ProviderChunk, type ProviderUsage, type ProviderAuth, type SignableRequest } from './providers.js';
export type { TraceRecord } from './trace.js';
