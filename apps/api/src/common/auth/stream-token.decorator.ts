import { SetMetadata } from "@nestjs/common";

export const ACCEPTS_STREAM_TOKEN = "mix:acceptsStreamToken";
/** Marks the one route a stream token (`?token=`) may open instead of a Bearer key: GET /stream. */
export const AcceptsStreamToken = () => SetMetadata(ACCEPTS_STREAM_TOKEN, true);
