// Theil–Sen slope, Sen's interval and the robust helpers, on series whose pairwise slopes are
// known in closed form.
#include <catch2/catch.hpp>

#include <vector>

#include "session/theil_sen.hpp"

using respira::session::median_absolute_deviation;
using respira::session::median_of;
using respira::session::standard_normal_quantile;
using respira::session::theil_sen;

TEST_CASE("standard normal quantiles match the tables", "[progress][stats]") {
  CHECK(standard_normal_quantile(0.5) == Approx(0.0).margin(1e-12));
  CHECK(standard_normal_quantile(0.975) == Approx(1.959964).epsilon(1e-6));
  CHECK(standard_normal_quantile(0.95) == Approx(1.644854).epsilon(1e-6));
  CHECK(standard_normal_quantile(0.025) == Approx(-1.959964).epsilon(1e-6));
}

TEST_CASE("median and MAD", "[progress][stats]") {
  const std::vector<double> odd{3, 1, 100, 2, 4};
  CHECK(median_of(odd) == 3.0);
  CHECK(median_absolute_deviation(odd) == 1.0);  // |dev| = 0,2,97,1,1
  const std::vector<double> even{4, 1, 3, 2};
  CHECK(median_of(even) == 2.5);
}

TEST_CASE("an exact line gives its slope with a zero-width interval", "[progress][stats]") {
  const std::vector<double> x{0, 1, 2, 3, 4};
  const std::vector<double> y{1, 3, 5, 7, 9};
  const auto fit = theil_sen(x, y);
  REQUIRE(fit);
  CHECK(fit->n == 5);
  CHECK(fit->slope == 2.0);
  CHECK(fit->intercept == 1.0);
  CHECK(fit->slope_low == 2.0);
  CHECK(fit->slope_high == 2.0);
  CHECK_FALSE(fit->interval_includes_zero());
}

TEST_CASE("one wild point does not move the slope", "[progress][stats]") {
  // Pairwise slopes: six of 1 among the first four points; 2.5, 3, 4, 7 to the outlier.
  // Median 1 (least squares would say 2.2). n = 5: C = 1.96 * sqrt(5*4*15/18) = 8.0, so the
  // interval runs from the 1st to the 10th of the 10 sorted slopes.
  const std::vector<double> x{0, 1, 2, 3, 4};
  const std::vector<double> y{0, 1, 2, 3, 10};
  const auto fit = theil_sen(x, y);
  REQUIRE(fit);
  CHECK(fit->slope == 1.0);
  CHECK(fit->intercept == 0.0);
  CHECK(fit->slope_low == 1.0);
  CHECK(fit->slope_high == 7.0);
}

TEST_CASE("Sen's interval picks the ranks of the normal approximation", "[progress][stats]") {
  // y = x^2 on x = 0..9: the slope of pair (i, j) is i + j, so the 45 sorted slopes are known.
  // Var(S) = 10*9*25/18 = 125. 95 %: C = 21.91, ranks round(11.54) = 12 and round(33.46)+1 = 34
  // -> slopes 6 and 12; median (23rd) = 9. 90 %: C = 18.39, ranks 13 and 33 -> 7 and 11.
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 0; i < 10; ++i) {
    x.push_back(i);
    y.push_back(i * i);
  }
  const auto fit95 = theil_sen(x, y, 0.95);
  REQUIRE(fit95);
  CHECK(fit95->slope == 9.0);
  CHECK(fit95->intercept == -14.0);  // median of x^2 - 9x
  CHECK(fit95->slope_low == 6.0);
  CHECK(fit95->slope_high == 12.0);
  const auto fit90 = theil_sen(x, y, 0.90);
  REQUIRE(fit90);
  CHECK(fit90->slope_low == 7.0);
  CHECK(fit90->slope_high == 11.0);
}

TEST_CASE("pairs with equal x carry no slope", "[progress][stats]") {
  const std::vector<double> same_x{2, 2, 2};
  const std::vector<double> y{1, 5, 9};
  CHECK_FALSE(theil_sen(same_x, y));
  CHECK_FALSE(theil_sen(std::vector<double>{1}, std::vector<double>{1}));

  // Two sessions on the same day: only the cross-day pairs count: (0,1)->(1,3)= 2, (0,5)->(1,3) = -2.
  const std::vector<double> x{0, 0, 1};
  const std::vector<double> y2{1, 5, 3};
  const auto fit = theil_sen(x, y2);
  REQUIRE(fit);
  CHECK(fit->slope == 0.0);
  CHECK(fit->slope_low == -2.0);
  CHECK(fit->slope_high == 2.0);
}
