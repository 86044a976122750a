/**
 * The JSON body parser, with its failures turned into contract errors here, where their cause
 * is still known: malformed JSON is a 400, a body over the limit a 413.
 */
import { AppError, payloadTooLarge } from "@mix/core";
import express, { type RequestHandler } from "express";

interface BodyParserError {
  type?: string;
  status?: number;
  message: string;
}

export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: ["application/json", "application/*+json"] });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const failure = error as BodyParserError;
      if (failure.type === "entity.too.large") return next(payloadTooLarge(`Request body exceeds the limit of ${limitBytes} bytes`));
      if (failure.type === "entity.parse.failed") return next(new AppError(400, "bad_request", `Malformed JSON in request body: ${failure.message}`));
      if (failure.status && failure.status < 500) return next(new AppError(failure.status, "bad_request", `Unreadable request body: ${failure.message}`));
      return next(error);
    });
}
