@technical
Feature: Transient QuickBooks failures are retried without duplicates
  Throttling (429), outage pages (503) and a connection dropped after QuickBooks saved the invoice are
  retried with backoff, reusing the request id, so the invoice syncs exactly once.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario Outline: <failure> on the first attempt
    Given QuickBooks answers the next invoice create with <failure>
    When I finalize an invoice for "Jo Citizen" of $60.00 with GST
    Then the QuickBooks status card shows "Synced"
    And QuickBooks received exactly 2 invoice creates
    And every attempt reused the same request id
    And QuickBooks has exactly 1 invoice for it

    Examples:
      | failure                      |
      | throttling                   |
      | an outage page               |
      | a dropped connection after saving |

  Scenario: An outage that outlasts Caspen's automatic retries
    Given QuickBooks answers every invoice create with an outage page
    When I finalize an invoice for "Jo Citizen" of $60.00 with GST
    Then the QuickBooks status card shows "503 Service Temporarily Unavailable"
    And the status card offers Retry
    And Caspen retried automatically
    And every attempt reused the same request id
    And QuickBooks has no invoice for it
    When QuickBooks recovers
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has exactly 1 invoice for it
