//! The busiest-hours grid: cells in place by ISO weekday and hour, missing ones 0, and the
//! shade of each against the busiest.

import { create } from "@bufbuild/protobuf";
import { HourCellSchema } from "@porthole/client";
import { expect, test } from "vitest";
import { gridOf, shadeOf } from "./Heatmap";

test("cells land by weekday (1 is Monday) and hour; nonsense is ignored", () => {
  const grid = gridOf([
    create(HourCellSchema, { weekday: 1, hour: 0, started: 2n }),
    create(HourCellSchema, { weekday: 7, hour: 23, started: 5n }),
    create(HourCellSchema, { weekday: 8, hour: 3, started: 9n }),
    create(HourCellSchema, { weekday: 3, hour: 24, started: 9n }),
  ]);
  expect(grid).toHaveLength(7);
  expect(grid.every((row) => row.length === 24)).toBe(true);
  expect(grid[0]?.[0]).toBe(2);
  expect(grid[6]?.[23]).toBe(5);
  expect(grid.flat().reduce((a, b) => a + b, 0)).toBe(7);
});

test("shades: none for 0, four steps up to the busiest", () => {
  expect(shadeOf(0, 10)).toBe(0);
  expect(shadeOf(1, 10)).toBe(1);
  expect(shadeOf(3, 10)).toBe(2);
  expect(shadeOf(6, 10)).toBe(3);
  expect(shadeOf(10, 10)).toBe(4);
  expect(shadeOf(1, 1)).toBe(4);
  expect(shadeOf(0, 0)).toBe(0);
});
