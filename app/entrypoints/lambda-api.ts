/**
 * The API Lambda handler (API Gateway HTTP API, payload 2.0). Module load validates configuration and
 * builds the app; nothing here touches the network, so a cold start costs only this module's own code.
 */
import path from "node:path";
import serverless from "serverless-http";
import { loadApiConfig } from "../config";
import { createDependencies } from "../container";
import { createApp } from "../http/create-app";

const BINARY_TYPES = ["image/png", "image/x-icon", "application/octet-stream"];

const config = loadApiConfig();
const app = createApp(
  createDependencies(config, {
    swaggerUiDir: config.swaggerUiDir ?? path.join(__dirname, "..", "swagger-ui"),
  }),
);

export const handler = serverless(app, { binary: BINARY_TYPES });
