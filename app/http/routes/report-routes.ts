import { Router } from "express";
import { parseIsoWeek } from "../../domain/iso-week";
import type { ReportService } from "../../services/report-service";
import type { TokenService } from "../../services/token-service";
import { authenticate, requireAdmin } from "../middleware/authenticate";
import { IsoWeek, WeeklyReportRequest } from "../schemas";
import { validate } from "../validate";

export function reportRoutes(reports: ReportService, tokens: TokenService): Router {
  const router = Router();

  router.post("/weekly", authenticate(tokens), requireAdmin(), async (req, res) => {
    const { week } = validate(WeeklyReportRequest, req.body ?? {}, "body");
    const range = week === undefined ? reports.currentWeek() : parseIsoWeek(week)!;
    res.json(await reports.generate(range));
  });

  router.get("/weekly/:week", authenticate(tokens), requireAdmin(), async (req, res) => {
    res.json(await reports.read(validate(IsoWeek, req.params.week, "path")));
  });

  return router;
}
